using ActionGuard.Server.Tests.EndToEnd;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Policy;

// The SDK against a real server whose policy denies plain-http destinations: an agent that spells the scheme in
// capitals or pads it with white space is denied all the same, and the action never runs.
public sealed class UrlSpellingTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    [Theory]
    [InlineData("HTTP://plain.example.com")]
    [InlineData("Http://Plain.Example.com/upload")]
    [InlineData(" http://plain.example.com")]
    [InlineData("http://plain.example.com\t")]
    public async Task A_plain_http_destination_in_any_spelling_is_denied_by_the_rule(string destination)
    {
        await using var host = await ServerHost.StartKestrelAsync(fixture.Idp);
        await using var services = SdkEndToEndTests.AgentServices(host);
        var ran = 0;

        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() =>
            services.GetRequiredService<IActionGuard>()
                .ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Destination = destination }, _ => { ran++; return Task.FromResult(1); })
                .WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("Plain HTTP destinations are not allowed.", denied.Reason);
        Assert.True(denied.IsPolicyDecision);
        Assert.Equal(0, ran);
    }
}
