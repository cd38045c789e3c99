namespace ActionGuard.Tests.Samples;

public sealed class DemoTests
{
    [Fact]
    public void The_readme_demo_runs_and_every_guarantee_it_shows_holds()
    {
        // The demo checks what it shows and returns non-zero when any of it is off; this keeps the README's main
        // command from rotting.
        var entryPoint = typeof(ActionGuard.Samples.Demo.CloudTools).Assembly.EntryPoint!;

        // Top-level statements compile to a synchronous Main that waits for the asynchronous body.
        var exitCode = (int)entryPoint.Invoke(null, [Array.Empty<string>()])!;

        Assert.Equal(0, exitCode);
    }
}
