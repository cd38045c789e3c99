namespace ActionGuard.Client;

/// <summary>
/// Keys in <see cref="HttpRequestMessage.Options"/> by which <see cref="ApprovalClient"/> tells the resilience pipeline
/// (<see cref="ApprovalResilience"/>) and <see cref="ApprovalAttemptHandler"/> how a request may be treated.
/// </summary>
internal static class ApprovalRequestOptions
{
    /// <summary>The request is safe to repeat: a read, a create with an idempotency key, an outcome or a cancel. Never a claim.</summary>
    public static readonly HttpRequestOptionsKey<bool> Retryable = new("ActionGuard.Retryable");

    /// <summary>How long the backend may hold the reply (long poll); extends the attempt and total timeouts.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> LongPollWait = new("ActionGuard.LongPollWait");

    /// <summary>The reply is a stream (server-sent events) that must not be buffered inside the attempt.</summary>
    public static readonly HttpRequestOptionsKey<bool> Streaming = new("ActionGuard.Streaming");
}
