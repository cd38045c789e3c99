using System.Buffers.Text;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ActionGuard.Classification;
using ActionGuard.Client;
using ActionGuard.Hashing;
using ActionGuard.PendingApprovals;
using ActionGuard.Policy;
using ActionGuard.Redaction;
using ActionGuard.Telemetry;
using ActionGuard.Tokens;
using ActionGuard.Utils;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Guarding;

/// <summary>
/// The protocol flow behind <see cref="IActionGuard"/>: build, create, wait, claim, verify, run, report.
/// Every path that does not end in a verified decision token throws before the operation is touched.
/// </summary>
internal sealed class DefaultActionGuard : IActionGuard
{
    private static readonly TimeSpan MaxOutageBackoff = TimeSpan.FromSeconds(5);

    private readonly ApprovalClient _client;
    private readonly DecisionTokenVerifier _verifier;
    private readonly ActionHasher _hasher;
    private readonly ArgumentRedactor _redactor;
    private readonly ActionGuardOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly LocalPolicy? _localPolicy;
    private readonly IDataClassifier _classifier;
    private readonly PendingApprovalKeeper? _pending;
    private readonly OutcomeReporter _outcomes;

    // A timeout source whose timer never fired, kept for the next call: see TimeoutLease.
    private CancellationTokenSource? _spareTimeoutSource;

    public DefaultActionGuard(
        ApprovalClient client,
        OutcomeReporter outcomes,
        DecisionTokenVerifier verifier,
        ActionHasher hasher,
        ArgumentRedactor redactor,
        IOptions<ActionGuardOptions> options,
        TimeProvider timeProvider,
        ILogger<DefaultActionGuard> logger,
        LocalPolicy? localPolicy = null,
        IDataClassifier? classifier = null,
        PendingApprovalKeeper? pending = null)
    {
        _pending = pending;
        _localPolicy = localPolicy;
        _classifier = classifier ?? DataClassifier.Default;
        _client = client;
        _outcomes = outcomes;
        _verifier = verifier;
        _hasher = hasher;
        _redactor = redactor;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<TResult> ExecuteAsync<TResult, TState>(
        GuardedAction action,
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(action);
        Guard.NotNull(operation);
        cancellationToken.ThrowIfCancellationRequested();

        using var activity = ActionGuardTelemetry.ActivitySource.StartActivity("ActionGuard.Execute", ActivityKind.Internal);
        activity?.SetTag(ActionGuardTelemetry.KindTag, action.Kind.Name);
        activity?.SetTag(ActionGuardTelemetry.NameTag, action.Name);
        var kindTag = new KeyValuePair<string, object?>(ActionGuardTelemetry.KindTag, action.Kind.Name);
        ActionGuardTelemetry.Requests.Add(1, kindTag);

        try
        {
            var decision = await ObtainApprovalAsync(action, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(ActionGuardTelemetry.ApprovalIdTag, decision.Verified.ApprovalId);
            ActionGuardTelemetry.Approvals.Add(1, kindTag);
            return await RunAsync(action, decision, operation, state, cancellationToken).ConfigureAwait(false);
        }
        catch (ActionGuardException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            if (ex is ActionDeniedException)
            {
                ActionGuardTelemetry.Denials.Add(1, kindTag);
            }
            else
            {
                ActionGuardTelemetry.Refusals.Add(1, kindTag, new KeyValuePair<string, object?>(ActionGuardTelemetry.ReasonTag, ex.GetType().Name));
            }

            throw;
        }
    }

    private async ValueTask<ApprovedAction> ObtainApprovalAsync(GuardedAction action, CancellationToken cancellationToken)
    {
        var agentId = _options.AgentId!;
        var environment = action.Environment ?? _options.Environment;
        var initiator = action.Initiator ?? ActionInitiator.Current ?? _options.DefaultInitiator;
        var redacted = _redactor.Redact(action.Arguments);

        // The nonce lives until the decision is verified: the hash is recomputed from the arguments just before the
        // action runs, so an argument object mutated while waiting no longer matches what the approver saw.
        // Inline in the state machine: on the stack while every await completes at once, in its box otherwise.
        var nonce = default(Nonce);
        RandomNumberGenerator.Fill(nonce);
        var actionHash = _hasher.ComputeHash(action, environment, nonce);

        var payload = await PayloadClassification.ClassifyAsync(_classifier, action.Arguments, _options.ArgumentSerializerOptions, cancellationToken).ConfigureAwait(false);
        var request = new CreateApprovalRequest
        {
            Action = new ApprovalAction
            {
                Kind = action.Kind.Name,
                Name = action.Name,
                Resource = action.Resource,
                Destination = action.Destination,
                Environment = environment,
            },
            Initiator = initiator,
            Arguments = redacted.Arguments,
            DataClasses = PayloadClassification.Merge(redacted.DataClasses, payload),
            DataSamples = payload is { Samples.Count: > 0 } ? payload.Samples : null,
            Justification = action.Justification,
            ActionHash = actionHash,

            // An action policy allows at creation is claimed in the same request: one round trip, same checks.
            ClaimIfAllowed = true,
        };

        var timeout = action.Timeout ?? _options.DefaultTimeout;
        using var timeoutLease = new TimeoutLease(this, timeout);
        var timeoutSource = timeoutLease.Source;

        // A caller token that can never be cancelled adds nothing to the timeout; linking it would cost a source and a registration.
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token) : null;
        var waitToken = linked?.Token ?? timeoutSource.Token;
        var waitStarted = _timeProvider.GetTimestamp();

        string? approvalId = null;
        var idempotencyKey = NewIdempotencyKey();
        string? fingerprint = null;
        string? requestDigest = null;
        var heldApproval = false;
        var keepPendingEntry = false;

        // Deny early only: whatever the local policy allows goes through the backend, which re-evaluates the same rules
        // authoritatively. A local denial never waits for a person, but is still sent so the backend's audit log has it.
        if (_localPolicy?.Check(action, LocalPolicy.Facts(action, agentId, environment, initiator, request.DataClasses)) is { } denial)
        {
            CryptographicOperations.ZeroMemory(nonce);
            throw await RecordLocalDenialAsync(request, idempotencyKey, denial, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            Approval? approval = null;
            if (_pending is not null)
            {
                // A restarted agent making the same call adopts the request its earlier run left waiting: same nonce,
                // so the same action hash, and the decision token is verified against it as always.
                fingerprint = _pending.Fingerprint(action, environment, agentId, initiator);
                if (await _pending.TryAdoptAsync(fingerprint, action, environment, agentId, _client, waitToken).ConfigureAwait(false) is { } adopted)
                {
                    adopted.Nonce.CopyTo(nonce);
                    CryptographicOperations.ZeroMemory(adopted.Nonce);
                    actionHash = adopted.ActionHash;
                    requestDigest = adopted.RequestDigest;
                    approval = adopted.Approval;
                    approvalId = approval.Id;
                    heldApproval = true;
                    GuardLog.ApprovalAdopted(_logger, approval.Id, action.Name, approval.Status);
                }
            }

            if (approval is null)
            {
                // What the decision token must come back with: every field of the request as this agent sent it.
                requestDigest = RequestDigest.Compute(request);
                approval = await _client.CreateApprovalAsync(request, idempotencyKey, waitToken).ConfigureAwait(false);
                approvalId = approval.Id;
                GuardLog.ApprovalRequested(_logger, approval.Id, action.Kind.Name, action.Name, approval.Status);
                if (fingerprint is not null && approval.Status is ApprovalStatus.Pending or ApprovalStatus.Approved && _pending!.TryHold(approval.Id))
                {
                    heldApproval = true;
                    var expiresAt = approval.ExpiresAt ?? _timeProvider.GetUtcNow() + timeout;
                    await _pending.SaveAsync(_pending.Seal(fingerprint, approval.Id, expiresAt, nonce, actionHash, requestDigest)).ConfigureAwait(false);
                }
            }

            approvalId = approval.Id;
            // Policy allowed this call at creation and the backend claimed it for this agent: the reply carries the
            // token, verified below exactly as a claimed one. (An adopted approval is never claimed at its creation here.)
            ClaimResult? claimedAtCreation = null;
            if (!heldApproval && approval.Status == ApprovalStatus.Executing)
            {
                if (approval.DecisionToken is { } createdToken)
                {
                    claimedAtCreation = new ClaimResult { DecisionToken = createdToken };
                }
                else
                {
                    // The reply with the token was lost and a retry replayed the create: the token is never issued
                    // twice, so the action does not run (ThrowUnlessApproved below), and the backend hears so.
                    await ReportOutcomeAsync(approvalId, action, OutcomeStatus.Failed, "Not run: the reply that carried the decision token was lost.").ConfigureAwait(false);
                }
            }

            if (approval.Status == ApprovalStatus.Pending)
            {
                // One line an operator can act on: which request waits, and where a person decides it.
                GuardLog.WaitingForApproval(_logger, approval.Id, action.Kind.Name, action.Name, approval.ReviewUrl?.AbsoluteUri ?? "(the backend gives no review URL)");
            }

            long? outageStarted = null;
            var outageAttempt = 0;
            while (approval.Status == ApprovalStatus.Pending)
            {
                Approval next;
                try
                {
                    next = await _client.GetApprovalAsync(approvalId, _options.LongPollWait, waitToken).ConfigureAwait(false);
                }
                catch (ApprovalBackendUnavailableException ex) when (ApprovalClient.IsOutage(ex))
                {
                    // A backend restarting (or briefly unreachable) is waited out, within the tolerance and the request's
                    // expiry; nothing runs meanwhile, and a reply that breaks the protocol still fails at once.
                    outageStarted ??= _timeProvider.GetTimestamp();
                    if (outageAttempt == 0)
                    {
                        GuardLog.BackendUnreachableWhileWaiting(_logger, approvalId, action.Name, _options.BackendOutageTolerance);
                    }

                    var outage = _timeProvider.GetElapsedTime(outageStarted.Value);
                    if (outage >= _options.BackendOutageTolerance || (approval.ExpiresAt is { } expiresAt && _timeProvider.GetUtcNow() >= expiresAt))
                    {
                        throw;
                    }

                    await Task.Delay(OutageBackoff(outageAttempt++), _timeProvider, waitToken).ConfigureAwait(false);
                    continue;
                }

                outageStarted = null;
                outageAttempt = 0;
                if (!string.Equals(next.Id, approvalId, StringComparison.Ordinal))
                {
                    throw new ApprovalBackendUnavailableException($"The backend answered with approval '{next.Id}' when asked for '{approvalId}'.", null);
                }

                approval = next;
            }

            if (ActionGuardTelemetry.WaitDuration.Enabled)
            {
                ActionGuardTelemetry.WaitDuration.Record(
                    _timeProvider.GetElapsedTime(waitStarted).TotalSeconds,
                    new KeyValuePair<string, object?>(ActionGuardTelemetry.KindTag, action.Kind.Name),
                    new KeyValuePair<string, object?>(ActionGuardTelemetry.OutcomeTag, StatusName(approval.Status)));
            }

            ClaimResult claim;
            if (claimedAtCreation is not null)
            {
                claim = claimedAtCreation;
            }
            else
            {
                ThrowUnlessApproved(action, approval);
                try
                {
                    claim = await _client.ClaimAsync(approvalId, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ApprovalBackendUnavailableException or OperationCanceledException)
                {
                    // The claim may have won on the backend although its reply was lost. The action will not run: say so
                    // rather than leave the approval 'executing'. A backend that never saw the claim refuses this harmlessly.
                    await ReportOutcomeAsync(approvalId, action, OutcomeStatus.Failed, $"Not run: the claim was not answered ({ex.GetType().Name}).").ConfigureAwait(false);
                    throw;
                }
            }

            // While the arguments still hash as they did, the expectation is the very string sent with the request.
            var currentHash = _hasher.Recompute(action, environment, nonce, actionHash);
            var expectation = new DecisionExpectation(
                approvalId, currentHash, requestDigest!, action.Kind.Name, action.Name, agentId, initiator, ListApprovers: _logger.IsEnabled(LogLevel.Information));
            VerifiedDecision verified;
            try
            {
                verified = await _verifier.VerifyAsync(claim.DecisionToken, expectation, cancellationToken).ConfigureAwait(false);
            }
            catch (ApprovalVerificationException ex)
            {
                GuardLog.VerificationFailed(_logger, approvalId, action.Name, ex.Check);
                await ReportOutcomeAsync(approvalId, action, OutcomeStatus.Failed, $"Not run: the decision token failed the {ex.Check} check.").ConfigureAwait(false);
                throw;
            }
            catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException)
            {
                // The claim already moved the approval to 'executing'; whatever stops verification (signing keys
                // unavailable, cancellation), the backend must hear that the action did not run.
                await ReportOutcomeAsync(approvalId, action, OutcomeStatus.Failed, $"Not run: the decision token could not be verified ({ex.GetType().Name}).").ConfigureAwait(false);
                throw;
            }

            GuardLog.ApprovalVerified(_logger, approvalId, action.Name, verified.Approvers);
            return new ApprovedAction(verified);
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            approvalId ??= await FindCreatedApprovalAsync(request, idempotencyKey).ConfigureAwait(false);
            await WithdrawAsync(approvalId).ConfigureAwait(false);
            GuardLog.ApprovalTimedOut(_logger, approvalId, action.Name, expiredOnBackend: false);
            throw new ApprovalTimeoutException(
                $"No decision on {action.Kind} '{action.Name}' within {timeout.TotalSeconds:0.###} s; the request was withdrawn.",
                expiredOnBackend: false,
                ex)
            {
                ApprovalId = approvalId,
                ActionKind = action.Kind,
                ActionName = action.Name,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            approvalId ??= await FindCreatedApprovalAsync(request, idempotencyKey).ConfigureAwait(false);
            await WithdrawAsync(approvalId).ConfigureAwait(false);
            throw;
        }
        catch (ActionGuardException ex) when (ex.ApprovalId is null || ex.ActionName is null)
        {
            if (ex is ApprovalBackendUnavailableException)
            {
                keepPendingEntry = true;
                GuardLog.BackendFault(_logger, ex, approvalId, action.Name);
            }

            throw Annotate(ex, approvalId, action);
        }
        catch (ApprovalBackendUnavailableException)
        {
            // The request may still be waiting on the backend: a later run of the same call adopts it.
            keepPendingEntry = true;
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
            if (heldApproval)
            {
                _pending!.Release(approvalId!);
                if (!keepPendingEntry)
                {
                    await _pending.RemoveAsync(fingerprint!, approvalId!).ConfigureAwait(false);
                }
            }
        }
    }

    private void ThrowUnlessApproved(GuardedAction action, Approval approval)
    {
        switch (approval.Status)
        {
            case ApprovalStatus.Approved:
                return;
            case ApprovalStatus.Denied:
                var denial = approval.Decisions.LastOrDefault(d => d.Verdict == ApprovalVerdict.Deny);
                GuardLog.ActionDenied(_logger, approval.Id, action.Name, denial?.Approver.ToString(), denial?.Reason);
                throw new ActionDeniedException(
                    $"{action.Kind} '{action.Name}' was denied by {denial?.Approver.ToString() ?? "the backend"}: {denial?.Reason ?? "no reason given"}.",
                    denial?.Approver,
                    denial?.Reason)
                {
                    ApprovalId = approval.Id,
                    ActionKind = action.Kind,
                    ActionName = action.Name,
                };
            case ApprovalStatus.Expired:
                GuardLog.ApprovalTimedOut(_logger, approval.Id, action.Name, expiredOnBackend: true);
                throw new ApprovalTimeoutException($"Approval '{approval.Id}' for {action.Kind} '{action.Name}' expired on the backend.", expiredOnBackend: true)
                {
                    ApprovalId = approval.Id,
                    ActionKind = action.Kind,
                    ActionName = action.Name,
                };
            case ApprovalStatus.Cancelled:
                throw new ActionDeniedException($"Approval '{approval.Id}' for {action.Kind} '{action.Name}' was cancelled on the backend.", null, "cancelled")
                {
                    ApprovalId = approval.Id,
                    ActionKind = action.Kind,
                    ActionName = action.Name,
                };
            default:
                // Executing, Succeeded or Failed: somebody already claimed this approval; it cannot authorize this call.
                throw new ApprovalVerificationException(
                    VerificationCheck.Replay,
                    $"Approval '{approval.Id}' is already {approval.Status.ToString().ToLowerInvariant()}; it cannot authorize this call.")
                {
                    ApprovalId = approval.Id,
                    ActionKind = action.Kind,
                    ActionName = action.Name,
                };
        }
    }

    private async ValueTask<TResult> RunAsync<TResult, TState>(
        GuardedAction action,
        ApprovedAction approved,
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        CancellationToken cancellationToken)
    {
        var approvalId = approved.Verified.ApprovalId;
        TResult result;
        try
        {
            result = await operation(state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await ReportOutcomeAsync(approvalId, action, OutcomeStatus.Failed, _redactor.RedactText($"{ex.GetType().FullName}: {ex.Message}")).ConfigureAwait(false);
            throw;
        }

        await ReportOutcomeAsync(approvalId, action, OutcomeStatus.Succeeded, null).ConfigureAwait(false);
        return result;
    }

    // The action has run (or definitely will not): the outcome goes to the background reporter, which never throws, so
    // the caller's call does not wait for the backend to record it.
    private ValueTask ReportOutcomeAsync(string approvalId, GuardedAction action, OutcomeStatus status, string? error) =>
        _outcomes.ReportAsync(approvalId, action.Name, status, error);

    // The create may have reached the backend although its reply never arrived. Replaying it with the same idempotency
    // key returns that approval (or creates it), so it can be withdrawn instead of waiting, pending, for an approver.
    private async ValueTask<string?> FindCreatedApprovalAsync(CreateApprovalRequest request, string idempotencyKey)
    {
        try
        {
            var approval = await _client.CreateApprovalAsync(request, idempotencyKey, CancellationToken.None).ConfigureAwait(false);
            return approval.Id;
        }
        catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException)
        {
            GuardLog.CancelFailed(_logger, ex, "(unknown: the create was not answered)");
            return null;
        }
    }

    private async ValueTask<ActionDeniedException> RecordLocalDenialAsync(
        CreateApprovalRequest request,
        string idempotencyKey,
        ActionDeniedException denial,
        CancellationToken cancellationToken)
    {
        // The action is denied whatever happens here; this only puts it on the record. A backend whose policy would
        // not deny it outright gets the pending request withdrawn at once.
        try
        {
            var recorded = await _client.CreateApprovalAsync(request, idempotencyKey, cancellationToken).ConfigureAwait(false);
            if (recorded.Status == ApprovalStatus.Pending)
            {
                await WithdrawAsync(recorded.Id).ConfigureAwait(false);
            }

            return new ActionDeniedException(denial.Message, denial.DeniedBy, denial.Reason)
            {
                ApprovalId = recorded.Id,
                ActionKind = denial.ActionKind,
                ActionName = denial.ActionName,
            };
        }
        catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException)
        {
            GuardLog.LocalDenialNotRecorded(_logger, ex, denial.ActionName);
            return denial;
        }
    }

    private async ValueTask WithdrawAsync(string? approvalId)
    {
        if (approvalId is null)
        {
            return;
        }

        try
        {
            await _client.CancelAsync(approvalId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException)
        {
            GuardLog.CancelFailed(_logger, ex, approvalId);
        }
    }

    private static ActionGuardException Annotate(ActionGuardException ex, string? approvalId, GuardedAction action) => ex switch
    {
        ApprovalBackendUnavailableException e => new ApprovalBackendUnavailableException(e.Message, e.StatusCode, e.InnerException ?? e)
        {
            ApprovalId = e.ApprovalId ?? approvalId,
            ActionKind = action.Kind,
            ActionName = action.Name,
        },
        ApprovalRequestRejectedException e => new ApprovalRequestRejectedException(e.Message, e.StatusCode, e.ProblemType, e.Errors)
        {
            ApprovalId = e.ApprovalId ?? approvalId,
            ActionKind = action.Kind,
            ActionName = action.Name,
        },
        _ => ex,
    };

    private static string NewIdempotencyKey()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    // The outcome tag's values, without boxing the enum for ToString on every call.
    private static string StatusName(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => nameof(ApprovalStatus.Pending),
        ApprovalStatus.Approved => nameof(ApprovalStatus.Approved),
        ApprovalStatus.Denied => nameof(ApprovalStatus.Denied),
        ApprovalStatus.Expired => nameof(ApprovalStatus.Expired),
        ApprovalStatus.Cancelled => nameof(ApprovalStatus.Cancelled),
        ApprovalStatus.Executing => nameof(ApprovalStatus.Executing),
        ApprovalStatus.Succeeded => nameof(ApprovalStatus.Succeeded),
        ApprovalStatus.Failed => nameof(ApprovalStatus.Failed),
        _ => status.ToString(),
    };

    // Between reads during an outage: doubling from the resilience base delay, at most 5 seconds.
    private TimeSpan OutageBackoff(int attempt)
    {
        var baseDelay = _options.Resilience.RetryBaseDelay > TimeSpan.Zero ? _options.Resilience.RetryBaseDelay : TimeSpan.FromMilliseconds(100);
        var delay = baseDelay * Math.Pow(2, Math.Min(attempt, 16));
        return delay > MaxOutageBackoff ? MaxOutageBackoff : delay;
    }

    private readonly record struct ApprovedAction(VerifiedDecision Verified);

    /// <summary>
    /// The timeout source of one call. Most calls end long before their timeout, so the source (and its timer) is
    /// reset and kept for the next call instead of being disposed; a source that was cancelled, or whose timer could
    /// be about to fire, is never reused.
    /// </summary>
    private readonly struct TimeoutLease : IDisposable
    {
        private readonly DefaultActionGuard _owner;
        private readonly TimeSpan _timeout;
        private readonly long _started;

        public TimeoutLease(DefaultActionGuard owner, TimeSpan timeout)
        {
            _owner = owner;
            _timeout = timeout;
            var spare = Interlocked.Exchange(ref owner._spareTimeoutSource, null);
            if (spare is null)
            {
                Source = new CancellationTokenSource(timeout, owner._timeProvider);
            }
            else
            {
                spare.CancelAfter(timeout);
                Source = spare;
            }

            _started = owner._timeProvider.GetTimestamp();
        }

        public CancellationTokenSource Source { get; }

        public void Dispose()
        {
            // Only well before the timer is due: TryReset stops the timer and drops every registration, and a timer
            // callback already under way must not cancel the next call's wait. TryReset itself refuses a cancelled source.
            if (_owner._timeProvider.GetElapsedTime(_started) < _timeout / 2
                && Source.TryReset()
                && Interlocked.CompareExchange(ref _owner._spareTimeoutSource, Source, null) is null)
            {
                return;
            }

            Source.Dispose();
        }
    }

    [InlineArray(ActionHasher.NonceLength)]
    private struct Nonce
    {
        private byte _element;
    }
}
