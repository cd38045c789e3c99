using Microsoft.Extensions.Logging;
using Polly;

namespace ActionGuard.Client;

/// <summary>
/// Runs each request through the Polly pipeline built by <see cref="ApprovalResiliencePipelineFactory"/>. Whether a
/// request may be repeated is decided by its <see cref="ApprovalRequestOptions"/>, which <see cref="ApprovalClient"/>
/// sets: nothing is retried unless marked safe.
/// </summary>
internal sealed class ApprovalResilienceHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ApprovalResilienceHandler(ApprovalResilienceOptions options, TimeProvider timeProvider, ILogger? logger = null)
        : this(ApprovalResiliencePipelineFactory.Create(options, timeProvider, logger))
    {
    }

    public ApprovalResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        if (request.Content is not null
            && request.Options.TryGetValue(ApprovalRequestOptions.Retryable, out var retryable)
            && retryable)
        {
            // A retry sends the very same bytes (and Idempotency-Key header): buffer once so every attempt can re-read them.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(ApprovalResiliencePipelineFactory.RequestKey, request);
            return await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Handler.SendAttemptAsync(state.Request, ctx.CancellationToken),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Options.TryGetValue(ApprovalRequestOptions.Streaming, out var streaming) && streaming)
        {
            return response;
        }

        try
        {
            // Read the body inside the attempt so that a stalled or broken body is covered by the attempt timeout and
            // counts as a transient fault, instead of failing later outside the pipeline.
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
