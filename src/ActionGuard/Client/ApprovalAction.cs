namespace ActionGuard.Client;

/// <summary>What an approval is for: the <c>action</c> object of the protocol.</summary>
public sealed class ApprovalAction
{
    /// <summary>Gets the kind's wire name, for example <c>"data_export"</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the action name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the action touches.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets where data or a change is headed.</summary>
    public string? Destination { get; init; }

    /// <summary>Gets the environment.</summary>
    public string? Environment { get; init; }
}
