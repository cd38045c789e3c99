using ActionGuard.Client;

namespace ActionGuard.Server.Policy;

/// <summary>A validated rule with compiled patterns.</summary>
internal sealed class PolicyRule
{
    public required string Name { get; init; }

    public GlobPattern? Kind { get; init; }

    public GlobPattern? ActionName { get; init; }

    public GlobPattern? Resource { get; init; }

    public GlobPattern? Destination { get; init; }

    public GlobPattern? Environment { get; init; }

    public int MinApprovals { get; init; } = 1;

    public IReadOnlyList<string> ApproverGroups { get; init; } = [];

    public TimeSpan? Ttl { get; init; }

    public ApprovalVerdict? AutoVerdict { get; init; }

    public string? Reason { get; init; }

    public bool Matches(ApprovalAction action) =>
        Matches(Kind, action.Kind)
        && Matches(ActionName, action.Name)
        && Matches(Resource, action.Resource)
        && Matches(Destination, action.Destination)
        && Matches(Environment, action.Environment);

    private static bool Matches(GlobPattern? pattern, string? value) => pattern is null || pattern.IsMatch(value);
}
