using ActionGuard.Guarding;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.TestSupport;

/// <summary>
/// An agent reports how each action ended in the background, after the guarded call returns: a test that reads the
/// backend's final state waits for those reports first.
/// </summary>
internal static class AgentOutcomes
{
    public static Task ReportedAsync(IServiceProvider agentServices) =>
        agentServices.GetRequiredService<OutcomeReporter>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
}
