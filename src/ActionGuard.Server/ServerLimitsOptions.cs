namespace ActionGuard.Server;

/// <summary>Limits on what one request may carry and how often an agent may call; exceeding them is a 4xx.</summary>
public sealed class ServerLimitsOptions
{
    /// <summary>The largest request body accepted, in bytes (64 KiB); larger bodies are refused with 413.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Gets or sets how many arguments a request may carry. Default 64.</summary>
    public int MaxArguments { get; set; } = 64;

    /// <summary>Gets or sets how deeply argument values may nest. Default 8.</summary>
    public int MaxDepth { get; set; } = 8;

    /// <summary>Gets or sets the longest string inside an argument value. Default 4096.</summary>
    public int MaxStringLength { get; set; } = 4096;

    /// <summary>Gets or sets the longest action field, argument name, party field or reason. Default 1024.</summary>
    public int MaxFieldLength { get; set; } = 1024;

    /// <summary>Gets or sets how many requests per second one agent may make on average. Default 50.</summary>
    public double AgentRequestsPerSecond { get; set; } = 50;

    /// <summary>Gets or sets how many requests one agent may make in a burst. Default 200.</summary>
    public int AgentBurst { get; set; } = 200;

    /// <summary>
    /// Gets or sets how many requests per second one approver may make on average, over the API, the review page and
    /// Slack together. Default 10.
    /// </summary>
    public double ApproverRequestsPerSecond { get; set; } = 10;

    /// <summary>Gets or sets how many requests one approver may make in a burst. Default 100.</summary>
    public int ApproverBurst { get; set; } = 100;

    /// <summary>
    /// Gets or sets how many failed authentications one client address may have per minute on average (an unknown
    /// API key, an invalid token, a bad Slack signature). Past <see cref="FailedAuthenticationBurst"/>, the address is
    /// answered 429 with <c>Retry-After</c> before its credentials are checked. Default 10.
    /// </summary>
    public double FailedAuthenticationsPerMinute { get; set; } = 10;

    /// <summary>Gets or sets how many failed authentications one client address may have in a burst. Default 20.</summary>
    public int FailedAuthenticationBurst { get; set; } = 20;
}
