namespace ActionGuard.Client;

/// <summary>Options of <see cref="ApprovalClient"/>: where the backend is, how the agent authenticates, and how faults are retried.</summary>
public sealed class ApprovalClientOptions
{
    /// <summary>Gets or sets the backend's base address, for example <c>https://approvals.example.com/</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the agent's API key, sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets a provider of the agent's bearer token (for example a workload-identity JWT), called per request;
    /// it takes precedence over <see cref="ApiKey"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>Gets the retry, circuit-breaker and timeout settings.</summary>
    public ApprovalResilienceOptions Resilience { get; } = new();
}
