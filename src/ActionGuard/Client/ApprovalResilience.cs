using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ActionGuard.Client;

/// <summary>
/// The rules of the pipeline every backend request runs through, in a <c>Microsoft.Extensions.Http.Resilience</c>
/// handler (<c>AddResilienceHandler</c> on the SDK's named client, or a <c>ResilienceHandler</c> for a client made
/// without DI): total timeout (outer) → retry → circuit breaker → attempt timeout (inner). Only requests marked
/// retryable are retried (never a claim); <c>Retry-After</c> is honoured up to <see cref="MaxRetryAfter"/>; timeouts
/// stretch by a long poll's wait; the breaker counts 5xx, timeouts and transport faults, not 408 or 429. The breaker
/// sits inside the retry so that every attempt counts, and an open circuit fails the request at once.
/// </summary>
internal static class ApprovalResilience
{
    /// <summary>The pipeline's name: its metrics and logs carry it.</summary>
    public const string PipelineName = "ActionGuard.ApprovalClient";

    /// <summary>The longest <c>Retry-After</c> honoured; a backend asking for more gets this much.</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>A pipeline for a client made without DI (<see cref="ApprovalClient(ApprovalClientOptions)"/>).</summary>
    public static ResiliencePipeline<HttpResponseMessage> Create(ApprovalResilienceOptions options, TimeProvider timeProvider, ILogger? logger = null)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = PipelineName };
        Configure(builder, options, timeProvider, logger);
        return builder.Build();
    }

    /// <summary>Adds the SDK's strategies to <paramref name="builder"/>.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ApprovalResilienceOptions options, TimeProvider timeProvider, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        logger ??= NullLogger.Instance;

        // Snapshot the values: options objects stay mutable after the pipeline is built.
        var totalTimeout = options.TotalTimeout;
        var attemptTimeout = options.AttemptTimeout;
        var breakDuration = options.CircuitBreakerBreakDuration;
        builder.TimeProvider = timeProvider;

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "TotalTimeout",
            TimeoutGenerator = args => new ValueTask<TimeSpan>(ExtendByLongPoll(totalTimeout, args.Context)),
        });

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => new ValueTask<bool>(IsRetryable(args.Context) && IsTransient(args.Outcome)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(GetRetryAfter(args.Outcome, timeProvider)),
                OnRetry = args =>
                {
                    if (args.Context.GetRequestMessage() is { } request && logger.IsEnabled(LogLevel.Warning))
                    {
                        ClientLog.RetryingRequest(
                            logger,
                            request.Method.Method,
                            request.RequestUri?.AbsolutePath ?? string.Empty,
                            args.RetryDelay,
                            args.AttemptNumber + 1,
                            Describe(args.Outcome));
                    }

                    // A response that is about to be retried is never seen by the caller: release its connection now.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "CircuitBreaker",
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = breakDuration,
            ShouldHandle = args => new ValueTask<bool>(IsBackendFailure(args.Outcome)),
            OnOpened = args =>
            {
                ClientLog.CircuitOpened(logger, args.BreakDuration, Describe(args.Outcome));
                return default;
            },
            OnClosed = _ =>
            {
                ClientLog.CircuitClosed(logger);
                return default;
            },
            OnHalfOpened = _ =>
            {
                ClientLog.CircuitHalfOpened(logger);
                return default;
            },
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "AttemptTimeout",
            TimeoutGenerator = args => new ValueTask<TimeSpan>(ExtendByLongPoll(attemptTimeout, args.Context)),
        });
    }

    internal static bool IsTransientStatus(HttpStatusCode statusCode) => statusCode is
        HttpStatusCode.RequestTimeout
        or HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable
        or HttpStatusCode.GatewayTimeout;

    private static bool IsRetryable(ResilienceContext context) =>
        context.GetRequestMessage() is { } request
        && request.Options.TryGetValue(ApprovalRequestOptions.Retryable, out var retryable)
        && retryable;

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } response && IsTransientStatus(response.StatusCode),
        TimeoutRejectedException => true,
        BrokenCircuitException => false,
        _ => IsTransportFault(outcome.Exception),
    };

    private static bool IsBackendFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } response && (int)response.StatusCode >= 500,
        TimeoutRejectedException => true,
        _ => IsTransportFault(outcome.Exception),
    };

    private static bool IsTransportFault(Exception exception) => exception is HttpRequestException or IOException;

    private static TimeSpan ExtendByLongPoll(TimeSpan timeout, ResilienceContext context)
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (context.GetRequestMessage() is { } request
            && request.Options.TryGetValue(ApprovalRequestOptions.LongPollWait, out var wait)
            && wait > TimeSpan.Zero)
        {
            return timeout + wait;
        }

        return timeout;
    }

    private static TimeSpan? GetRetryAfter(Outcome<HttpResponseMessage> outcome, TimeProvider timeProvider)
    {
        if (outcome.Result is not { } response
            || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        var delay = retryAfter.Delta
            ?? (retryAfter.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        if (delay is not { } value)
        {
            return null;
        }

        if (value < TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return value > MaxRetryAfter ? MaxRetryAfter : value;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name + ": " + exception.Message
            : outcome.Result is { } response
                ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}")
                : "no response";
}
