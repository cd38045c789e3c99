using ActionGuard.Client;
using ActionGuard.Testing;

namespace ActionGuard.Server.Tests.Conformance;

/// <summary>The ActionGuard.Testing backend, in process, configured with the conformance policy through its rules.</summary>
public sealed class InMemoryBackend : ConformanceBackend
{
    private readonly InMemoryApprovalBackend _backend = new();
    private readonly Dictionary<string, ApprovalClient> _agents = new(StringComparer.Ordinal);

    public InMemoryBackend()
    {
        _backend.When(a => a.Action.Kind == ActionKind.PermissionChange).Named(ConformancePolicy.TwoPerson).RequiringApprovals(2);
        _backend.When(a => a.Action.Kind == ActionKind.DataExport && a.Action.Environment == "dev").Named(ConformancePolicy.DevExports)
            .RespondWith(ApprovalScript.Approve());
        _backend.When(a => a.Action.Destination?.StartsWith("http://", StringComparison.Ordinal) == true).Named(ConformancePolicy.NoPlainHttp)
            .RespondWith(ApprovalScript.DenyByPolicy(ConformancePolicy.NoPlainHttpReason));
        _backend.When(a => a.Action.Name.StartsWith("short.", StringComparison.Ordinal)).Named(ConformancePolicy.ShortLived).ExpiringAfter(ConformancePolicy.ShortTtl);
        _agents[AgentId] = _backend.CreateClient(AgentId);
        _agents[OtherAgentId] = _backend.CreateClient(OtherAgentId);
    }

    public override string PeopleIssuer => TestIdentities.Issuer;

    public override ApprovalClient Agent(string agentId) => _agents[agentId];

    public override async Task<Refusal?> DecideAsync(string approvalId, string subject, ApprovalVerdict verdict, string? reason = null)
    {
        try
        {
            if (verdict == ApprovalVerdict.Approve)
            {
                await _backend.ApproveAsync(approvalId, Person(subject), reason);
            }
            else
            {
                await _backend.DenyAsync(approvalId, Person(subject), reason!);
            }

            return null;
        }
        catch (ApprovalRequestRejectedException ex)
        {
            return new Refusal(ex.StatusCode, ex.ProblemType);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _backend.Dispose();
        return ValueTask.CompletedTask;
    }
}
