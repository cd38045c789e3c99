using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Tests.Hosting;

public sealed class ConfigurationTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Theory]
    [InlineData("ActionGuard:Agents:ApiKeys:0:KeyHash", "plain-text-key", "ActionGuard:Agents:ApiKeys:0:KeyHash")]
    [InlineData("ActionGuard:TokenLifetime", "00:10:00", "ActionGuard:TokenLifetime")]
    [InlineData("ActionGuard:Issuers:0:Audience", "", "ActionGuard:Issuers:0:Audience")]
    [InlineData("ActionGuard:Issuers:0:Issuer", "not a uri", "ActionGuard:Issuers:0:Issuer")]
    [InlineData("ActionGuard:Policy:Rules:0:MinApprovals", "0", "ActionGuard:Policy:Rules:0:MinApprovals")]
    [InlineData("ActionGuard:Policy:Rules:2:Decision", "maybe", "ActionGuard:Policy:Rules:2:Decision")]
    [InlineData("ActionGuard:Policy:Rules:1:Name", "two-person", "ActionGuard:Policy:Rules:1:Name")]
    [InlineData("ActionGuard:Limits:MaxDepth", "0", "ActionGuard:Limits:MaxDepth")]
    [InlineData("ActionGuard:Policy:File", "missing-rules.json", "ActionGuard:Policy:File")]
    public async Task Invalid_configuration_stops_the_start_naming_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ServerHost.StartKestrelAsync(Idp, s => s[key] = value));

        Assert.Contains(error.Failures, f => f.StartsWith(named, StringComparison.Ordinal) || f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rules_file_is_read_before_the_configured_rules()
    {
        var path = Path.Combine(Path.GetTempPath(), "ag-rules-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, """{"rules":[{"name":"file-rule","kind":"data_export","effect":"require_approval","minApprovals":3,"approverGroups":["data"],"ttl":"00:30:00"}]}""");
        try
        {
            await using var host = await ServerHost.StartKestrelAsync(Idp, s => s["ActionGuard:Policy:File"] = path);
            using var agent = host.CreateClient(ServerHost.AgentKey);
            var reply = await Api.CreateAsync(agent, Api.Body());
            Assert.Equal("file-rule", (string?)reply.Json["policy"]!["rule"]);
            Assert.Equal(3, (int)reply.Json["policy"]!["minApprovals"]!);
            Assert.Equal("data", (string?)reply.Json["policy"]!["approverGroups"]![0]);
            var ttl = DateTimeOffset.Parse((string)reply.Json["expiresAt"]!) - DateTimeOffset.Parse((string)reply.Json["createdAt"]!);
            Assert.Equal(TimeSpan.FromMinutes(30), ttl);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
