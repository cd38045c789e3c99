using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using ActionGuard.Client;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Store;
using ActionGuard.Server.Tokens;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// The use cases behind the endpoints. Each change runs as one store transaction; after it commits, waiters are woken
/// and the expiry timer is moved.
/// </summary>
internal sealed class ApprovalService
{
    private readonly IApprovalStore _store;
    private readonly ApprovalSignals _signals;
    private readonly AgentPresence _presence;
    private readonly ExpiryScheduler _expiry;
    private readonly PolicyEngine _policy;
    private readonly DecisionTokenIssuer _tokens;
    private readonly CallerAuthenticator _authenticator;
    private readonly TimeProvider _timeProvider;
    private readonly ActionGuardServerOptions _options;
    private readonly ILogger _logger;
    private readonly Notifier _notifier;
    private readonly PersonDirectory _people;
    private readonly IApprovalObserver[] _observers;
    private readonly IPolicyOverride[] _policyOverrides;
    private readonly CancellationToken _stopping;

    public ApprovalService(
        IApprovalStore store,
        ApprovalSignals signals,
        AgentPresence presence,
        ExpiryScheduler expiry,
        PolicyEngine policy,
        DecisionTokenIssuer tokens,
        CallerAuthenticator authenticator,
        IOptions<ActionGuardServerOptions> options,
        TimeProvider timeProvider,
        ILogger<ApprovalService> logger,
        Notifier notifier,
        PersonDirectory people,
        IEnumerable<IApprovalObserver> observers,
        IEnumerable<IPolicyOverride> policyOverrides,
        IHostApplicationLifetime? lifetime = null)
    {
        // A stopping host ends every long poll and event stream at once with what is current: the agent asks again (of
        // this server when it is back, or of another) instead of the stop waiting out the open requests.
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _observers = [.. observers];
        _policyOverrides = [.. policyOverrides];
        _people = people;
        _notifier = notifier;
        _store = store;
        _signals = signals;
        _presence = presence;
        _expiry = expiry;
        _policy = policy;
        _tokens = tokens;
        _authenticator = authenticator;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _expiry.Start(ExpireAsync);
    }

    public string? ReviewUrlBase => _options.ReviewUrlBase;

    public async Task<(ApprovalRecord? Record, bool Created, ApiProblem? Problem)> CreateAsync(
        string agentId, string idempotencyKey, CreateCommand command, string issuer, CancellationToken cancellationToken)
    {
        var result = await CreateCoreAsync(agentId, idempotencyKey, command, issuer, cancellationToken).ConfigureAwait(false);
        foreach (var observer in _observers)
        {
            observer.Requested(agentId, idempotencyKey, command, result.Record, result.Created);
        }

        return result;
    }

    private async Task<(ApprovalRecord? Record, bool Created, ApiProblem? Problem)> CreateCoreAsync(
        string agentId, string idempotencyKey, CreateCommand command, string issuer, CancellationToken cancellationToken)
    {
        var initiator = command.Initiator;
        if (command.InitiatorToken is null && _options.People.RequireProvenInitiator)
        {
            return (null, false, ApiProblem.Validation("initiator.token", "This server requires the initiator proven by an ID token from a configured issuer (People:RequireProvenInitiator)."));
        }

        if (command.InitiatorToken is { } token)
        {
            // A proven initiator replaces the stated claims: self-approval checks must rest on what the IdP says.
            var proven = await _authenticator.ValidateInitiatorAsync(token).ConfigureAwait(false);
            if (proven is null)
            {
                return (null, false, ApiProblem.Validation("initiator.token", "The initiator's token is not valid for any configured issuer."));
            }

            if (initiator is not null && (initiator.Subject != proven.Subject || (initiator.Issuer is not null && ApprovalParty.NormalizeIssuer(initiator.Issuer) != ApprovalParty.NormalizeIssuer(proven.Issuer))))
            {
                return (null, false, ApiProblem.Validation("initiator", "The initiator's subject or issuer differs from its token."));
            }

            initiator = proven;
        }
        else if (initiator is not null)
        {
            // A stated e-mail address stays: it can only make the initiator match more approvers, never fewer.
            initiator = _people.Resolve(new ApprovalParty { Issuer = initiator.Issuer, Subject = initiator.Subject, Name = initiator.Name, Email = initiator.Email });
        }

        var now = _timeProvider.GetUtcNow();
        var decision = _policy.Evaluate(command.Action, agentId, initiator, command.DataClasses, command.Arguments);
        var id = "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var record = new ApprovalRecord
        {
            Id = id,
            Status = ApprovalStatus.Pending,
            Action = command.Action,
            AgentId = agentId,
            Initiator = initiator,
            Arguments = command.Arguments,
            DataClasses = command.DataClasses,
            DataSamples = command.DataSamples,
            Justification = command.Justification,
            ActionHash = command.ActionHash,
            Policy = decision.Policy,
            CreatedAt = now,
            ExpiresAt = now + decision.Ttl,
            IdempotencyKey = idempotencyKey,
            RequestHash = command.RequestHash,
        };
        foreach (var policyOverride in _policyOverrides)
        {
            if (policyOverride.Evaluate(record) is { } overridden)
            {
                decision = overridden;
                record = record with { Policy = decision.Policy, ExpiresAt = now + decision.Ttl };
                break;
            }
        }

        var audit = new List<AuditEntry>(3)
        {
            new(AuditTypes.Requested, id, AuditData.Agent(agentId), now, AuditData.Build(w =>
            {
                w.WriteString("kind", command.Action.Kind);
                w.WriteString("name", command.Action.Name);
                AuditData.WriteOptional(w, "resource", command.Action.Resource);
                AuditData.WriteOptional(w, "destination", command.Action.Destination);
                AuditData.WriteOptional(w, "environment", command.Action.Environment);
                AuditData.WriteParty(w, "initiator", initiator);
                AuditData.WriteOptional(w, "justification", command.Justification);
                w.WriteString("actionHash", command.ActionHash);
                w.WriteString("rule", decision.Policy.Rule);
                w.WriteNumber("minApprovals", decision.Policy.MinApprovals);
                w.WriteStartObject("dataClasses");
                foreach (var (name, count) in command.DataClasses)
                {
                    w.WriteNumber(name, count);
                }

                w.WriteEndObject();
            })),
        };

        if (decision.AutoVerdict is { } verdict)
        {
            var decided = ApprovalStateMachine.DecideByPolicy(record, verdict, decision.Reason, issuer, _options.ClaimWindow, now);
            record = decided.Current;
            audit.AddRange(decided.Audit);
        }

        // Reviewers and channels hear of the decision as made; the claim below is the agent's business.
        var outbox = _notifier.Plan(record, created: true);
        if (command.ClaimIfAllowed && record.Status == ApprovalStatus.Approved)
        {
            // Allowed at creation and asked for: claimed in the same transaction, the token issued once it committed
            // (ClaimAtCreationAsync). The keys are refreshed first, so a key-store fault fails the create, not the claim.
            await _tokens.RefreshKeysAsync(cancellationToken).ConfigureAwait(false);
            var claimed = ApprovalStateMachine.Claim(record, agentId, NewTokenId(), now);
            record = claimed.Current;
            audit.AddRange(claimed.Audit);
        }

        var outcome = await _store.CreateAsync(record, audit, outbox, cancellationToken).ConfigureAwait(false);
        if (!outcome.Created)
        {
            if (!string.Equals(outcome.Record.RequestHash, command.RequestHash, StringComparison.Ordinal))
            {
                return (null, false, new ApiProblem(ProtocolProblems.IdempotencyConflict, $"The idempotency key was already used with another body (approval '{outcome.Record.Id}')."));
            }

            return (await RefreshAsync(outcome.Record, cancellationToken).ConfigureAwait(false), false, null);
        }

        ServerLog.Created(_logger, id, agentId, command.Action.Kind, command.Action.Name, decision.Policy.Rule, outcome.Record.Status);
        AfterChange(outcome.Record);
        _notifier.OnCommitted(outcome.Record, created: true);
        foreach (var observer in _observers)
        {
            observer.Created(outcome.Record);
        }

        return (outcome.Record, true, null);
    }

    /// <summary>Reads an approval, expiring it first when its time has passed.</summary>
    public async Task<ApprovalRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for a pending approval to change status. The signal is taken before each read
    /// so a change committed between the read and the wait still wakes it.
    /// </summary>
    /// <remarks>
    /// Only a pending approval the caller may read gets a signal, so the registry holds at most one entry per pending
    /// approval (each removed at its next change, its expiry at the latest): polls on ids that do not exist, belong to
    /// someone else or are already decided register nothing.
    /// </remarks>
    public async Task<ApprovalRecord?> WaitAsync(string id, TimeSpan wait, Func<ApprovalRecord, bool> authorize, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetTimestamp();
        var first = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (first is null || !authorize(first) || first.Status != ApprovalStatus.Pending)
        {
            return first;
        }

        while (true)
        {
            var changed = _signals.NextChange(id);
            var record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null || !authorize(record) || record.Status != ApprovalStatus.Pending)
            {
                // Changed between the two reads: its change may have been signalled before this signal was taken.
                _signals.Forget(id, changed);
                return record;
            }

            var remaining = wait - _timeProvider.GetElapsedTime(deadline);
            if (remaining <= TimeSpan.Zero || _stopping.IsCancellationRequested)
            {
                _signals.Forget(id, changed);
                return record;
            }

            try
            {
                using var stoppingOrCancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
                await changed.WaitAsync(remaining, _timeProvider, stoppingOrCancelled.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return await GetAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return await GetAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task<ApprovalPage> ListAsync(ApprovalStatus? status, string? cursor, int limit, CancellationToken cancellationToken) =>
        _store.ListAsync(status, cursor, limit, cancellationToken);

    public Task<TransitionResult?> DecideAsync(string id, Caller approver, ApprovalVerdict verdict, string? reason, CancellationToken cancellationToken) =>
        ApplyAsync(id, r => ApprovalStateMachine.Decide(r, approver.Person!, approver.Groups, verdict, reason, _options.ClaimWindow, _timeProvider.GetUtcNow()), cancellationToken);

    public async Task<(TransitionResult? Result, string? Token)> ClaimAsync(string id, string agentId, string issuer, CancellationToken cancellationToken)
    {
        await _tokens.RefreshKeysAsync(cancellationToken).ConfigureAwait(false);
        var jti = NewTokenId();
        var result = await ApplyAsync(id, r => ApprovalStateMachine.Claim(r, agentId, jti, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (result is null || result.Error is not null)
        {
            return (result, null);
        }

        var issued = _tokens.Issue(result.Current, issuer, _timeProvider.GetUtcNow());
        foreach (var observer in _observers)
        {
            observer.Claimed(result.Current, issued);
        }

        return (result, issued.Token);
    }

    /// <summary>
    /// Issues the decision token of an approval that policy allowed and <see cref="CreateAsync"/> claimed in the
    /// create's own transaction (<see cref="CreateCommand.ClaimIfAllowed"/>): the create reply carries it, so an allowed
    /// action costs one round trip. A replayed create gets no token (it is issued once); anything else is returned as
    /// it is, without a token.
    /// </summary>
    public async Task<(ApprovalRecord Record, string? Token)> ClaimAtCreationAsync(ApprovalRecord record, bool created, CreateCommand command, string agentId, string issuer, CancellationToken cancellationToken)
    {
        if (!created || !command.ClaimIfAllowed || record.Status != ApprovalStatus.Executing || record.TokenId is null
            || !string.Equals(record.AgentId, agentId, StringComparison.Ordinal))
        {
            return (record, null);
        }

        // CreateAsync refreshed the signing keys before it claimed, in this same request.
        var issued = _tokens.Issue(record, issuer, _timeProvider.GetUtcNow());
        foreach (var observer in _observers)
        {
            observer.Claimed(record, issued);
        }

        return (record, issued.Token);
    }

    private static string NewTokenId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A policy rule decides a pending approval now (the in-memory test backend's delayed policy scripts).</summary>
    public Task<TransitionResult?> DecideByPolicyAsync(string id, ApprovalVerdict verdict, string? reason, string issuer, CancellationToken cancellationToken) =>
        ApplyAsync(id, r => ApprovalStateMachine.DecideByPolicy(r, verdict, reason, issuer, _options.ClaimWindow, _timeProvider.GetUtcNow()), cancellationToken);

    /// <summary>Expires a pending or approved approval now, before its time.</summary>
    public Task<TransitionResult?> ExpireNowAsync(string id, CancellationToken cancellationToken) =>
        ApplyAsync(id, r => ApprovalStateMachine.Expire(r, _timeProvider.GetUtcNow(), early: true), cancellationToken);

    /// <summary>
    /// The approval now, then again after every change until it reaches a final status or disappears; <see langword="null"/>
    /// when <paramref name="keepAlive"/> passed without a change. The caller checks that it may read the approval first.
    /// </summary>
    public async IAsyncEnumerable<ApprovalRecord?> WatchAsync(string id, TimeSpan keepAlive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changed = _signals.NextChange(id);
        var record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        try
        {
            while (record is not null)
            {
                yield return record;
                if (ApprovalRecord.IsFinal(record.Status))
                {
                    yield break;
                }

                while (true)
                {
                    if (_stopping.IsCancellationRequested)
                    {
                        yield break;
                    }

                    try
                    {
                        using var stoppingOrCancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
                        await changed.WaitAsync(keepAlive, _timeProvider, stoppingOrCancelled.Token).ConfigureAwait(false);
                        break;
                    }
                    catch (TimeoutException)
                    {
                    }
                    catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        yield break;
                    }

                    yield return null;
                }

                changed = _signals.NextChange(id);
                record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _signals.Forget(id, changed);
        }
    }

    public Task<TransitionResult?> ReportOutcomeAsync(string id, string agentId, OutcomeStatus status, string? error, CancellationToken cancellationToken) =>
        ApplyAsync(id, r => ApprovalStateMachine.Outcome(r, agentId, status, error, _timeProvider.GetUtcNow()), cancellationToken);

    /// <summary>
    /// Records several outcomes of one agent's claimed approvals, committed together; each item's result is what
    /// <see cref="ReportOutcomeAsync"/> would have answered for it alone (<see langword="null"/>: no such approval).
    /// </summary>
    public async Task<TransitionResult?[]> ReportOutcomesAsync(string agentId, IReadOnlyList<OutcomeItem> outcomes, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var from = new StrongBox<ApprovalStatus>[outcomes.Count];
        var transitions = new (string Id, Func<ApprovalRecord, TransitionResult> Transition)[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var item = outcomes[i];
            from[i] = new StrongBox<ApprovalStatus>(ApprovalStatus.Pending);
            transitions[i] = (item.ApprovalId, Observed(r => ApprovalStateMachine.Outcome(r, agentId, item.Status, item.Error, now), from[i]));
        }

        var pending = _store.UpdateManyAsync(transitions, cancellationToken);
        var results = new TransitionResult?[pending.Length];
        Exception? fault = null;
        for (var i = 0; i < pending.Length; i++)
        {
            try
            {
                results[i] = await pending[i].ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every committed item still signals its waiters; the first fault is thrown after.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                fault ??= ex;
                continue;
            }

            Committed(results[i], from[i].Value);
        }

        if (fault is not null)
        {
            ExceptionDispatchInfo.Throw(fault);
        }

        return results;
    }

    public Task<TransitionResult?> CancelAsync(string id, string agentId, CancellationToken cancellationToken) =>
        ApplyAsync(id, r => ApprovalStateMachine.Cancel(r, agentId, _timeProvider.GetUtcNow()), cancellationToken);

    /// <summary>Schedules the expiry timers of every approval that can still expire; after a start.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, expiresAt) in await _store.ListExpirableAsync(cancellationToken).ConfigureAwait(false))
        {
            _expiry.Schedule(id, expiresAt);
            _notifier.ScheduleReminder(id, expiresAt);
        }
    }

    private async Task ExpireAsync(string id)
    {
        try
        {
            var result = await ApplyAsync(id, r => ApprovalStateMachine.Expire(r, _timeProvider.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
            if (result is { Updated: null, Current: var current }
                && current.Status is ApprovalStatus.Pending or ApprovalStatus.Approved
                && !ApprovalStateMachine.IsDue(current, _timeProvider.GetUtcNow()))
            {
                // The timer fired early (coarse clocks): arm it again for the rest.
                _expiry.Schedule(id, current.ExpiresAt);
            }
        }
#pragma warning disable CA1031 // A failed expiry is retried by the next read; it must not crash the timer thread.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ServerLog.ExpiryFailed(_logger, ex, id);
        }
    }

    private async Task<ApprovalRecord> RefreshAsync(ApprovalRecord record, CancellationToken cancellationToken)
    {
        if (!ApprovalStateMachine.IsDue(record, _timeProvider.GetUtcNow()))
        {
            return record;
        }

        var result = await ApplyAsync(record.Id, r => ApprovalStateMachine.Expire(r, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return result?.Current ?? record;
    }

    private async Task<TransitionResult?> ApplyAsync(string id, Func<ApprovalRecord, TransitionResult> transition, CancellationToken cancellationToken)
    {
        var from = new StrongBox<ApprovalStatus>(ApprovalStatus.Pending);
        var result = await _store.UpdateAsync(id, Observed(transition, from), cancellationToken).ConfigureAwait(false);
        Committed(result, from.Value);
        return result;
    }

    // The transition as the store runs it: remembers the status it started from and attaches the notifications.
    private Func<ApprovalRecord, TransitionResult> Observed(Func<ApprovalRecord, TransitionResult> transition, StrongBox<ApprovalStatus> from) =>
        r =>
        {
            from.Value = r.Status;
            return _notifier.Attach(transition(r));
        };

    private void Committed(TransitionResult? result, ApprovalStatus from)
    {
        if (result?.Updated is { } updated)
        {
            ServerLog.Transitioned(_logger, updated.Id, updated.Status);
            AfterChange(updated);
            _notifier.OnCommitted(updated, created: false);
            foreach (var observer in _observers)
            {
                observer.Changed(from, updated);
            }
        }
    }

    private void AfterChange(ApprovalRecord record)
    {
        if (record.Status is ApprovalStatus.Pending or ApprovalStatus.Approved)
        {
            _expiry.Schedule(record.Id, record.ExpiresAt);
        }
        else
        {
            _expiry.Cancel(record.Id);
        }

        if (record.Status != ApprovalStatus.Pending)
        {
            _presence.Forget(record.Id);
        }

        _signals.Signal(record.Id);
    }
}
