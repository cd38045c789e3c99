namespace ActionGuard.Client;

/// <summary>
/// The inner end of the SDK's HTTP pipeline, run once per attempt inside the resilience handler: it buffers a retryable
/// request's body so every attempt sends the very same bytes (and <c>Idempotency-Key</c>), and reads the reply's body
/// inside the attempt so that a stalled or broken body is covered by the attempt timeout and counts as a transient
/// fault, instead of failing later outside the pipeline. Streams (server-sent events) pass through unread.
/// </summary>
internal sealed class ApprovalAttemptHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null
            && request.Options.TryGetValue(ApprovalRequestOptions.Retryable, out var retryable)
            && retryable)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Options.TryGetValue(ApprovalRequestOptions.Streaming, out var streaming) && streaming)
        {
            return response;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
