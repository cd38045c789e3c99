using Microsoft.Extensions.Logging;
using Polly;

namespace ActionGuard.Client;

/// <summary>
/// Holds the one pipeline of a service provider, so that circuit-breaker state survives
/// <c>IHttpClientFactory</c> recycling its handlers.
/// </summary>
internal sealed class ApprovalResiliencePipelineProvider
{
    public ApprovalResiliencePipelineProvider(ApprovalResilienceOptions options, TimeProvider timeProvider, ILogger? logger = null)
    {
        Pipeline = ApprovalResiliencePipelineFactory.Create(options, timeProvider, logger);
    }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }
}
