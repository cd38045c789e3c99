namespace ActionGuard.Client;

/// <summary>The reply to a successful claim.</summary>
public sealed class ClaimResult
{
    /// <summary>Gets the decision token: a JWS signed by the backend.</summary>
    public required string DecisionToken { get; init; }
}
