using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActionGuard.Client;
using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

// The agent side of the protocol, called by InMemoryApprovalClient on behalf of one agent.
public sealed partial class InMemoryApprovalBackend
{
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(60);

    internal Approval Create(string agentId, CreateApprovalRequest request, string idempotencyKey)
    {
        Validate(request, idempotencyKey);
        var body = JsonSerializer.SerializeToNode(request, TestingJsonContext.Default.CreateApprovalRequest);
        lock (Gate)
        {
            ThrowIfDisposedForAgent();
            var now = _time.GetUtcNow();
            if (_byIdempotencyKey.TryGetValue((agentId, idempotencyKey), out var existing))
            {
                var same = JsonNode.DeepEquals(existing.Body, body);
                Record(request, agentId, idempotencyKey, same ? existing.Id : null, isReplay: same, now);
                if (!same)
                {
                    throw Problems.IdempotencyConflict(idempotencyKey);
                }

                Refresh(existing);
                ThrowIfFailed(existing);
                return Snapshot(existing);
            }

            var state = new ApprovalState
            {
                Id = "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
                AgentId = agentId,
                IdempotencyKey = idempotencyKey,
                Request = request,
                Body = body,
                RequestDigest = ActionGuard.Hashing.RequestDigest.Compute(request),
                CreatedAt = now,
                Policy = new ApprovalPolicy { Rule = DefaultRuleName, MinApprovals = _defaultMinApprovals },
                ExpiresAt = now + _defaultTtl,
            };

            // Rules see the new approval as approvers would; the first match sets the policy and the script.
            var pending = Snapshot(state);
            var script = _defaultScript;
            foreach (var rule in _rules)
            {
                if (rule.Predicate(pending))
                {
                    var (name, minApprovals, ttl, ruleScript) = rule.Snapshot();
                    state.Policy = new ApprovalPolicy { Rule = name, MinApprovals = minApprovals ?? _defaultMinApprovals };
                    state.ExpiresAt = now + (ttl ?? _defaultTtl);
                    script = ruleScript;
                    break;
                }
            }

            _approvals.Add(state.Id, state);
            _approvalsInOrder.Add(state);
            _byIdempotencyKey.Add((agentId, idempotencyKey), state);
            Record(request, agentId, idempotencyKey, state.Id, isReplay: false, now);
            Touch(state);
            ScheduleExpiry(state);
            if (script is not null)
            {
                ApplyScript(state, script);
            }

            ThrowIfFailed(state);
            return Snapshot(state);
        }
    }

    internal async Task<Approval> GetAsync(string agentId, string approvalId, TimeSpan? wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task changed;
        lock (Gate)
        {
            var state = FindForAgent(agentId, approvalId, owningOnly: false);
            if (wait is not { } w || w <= TimeSpan.Zero || state.Status != ApprovalStatus.Pending)
            {
                return Snapshot(state);
            }

            changed = state.Changed.Task;
        }

        // One timer for the whole wait; decisions that leave the approval pending (1 of N) re-park on the next signal.
        using var waitEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait.Value > MaxLongPoll ? MaxLongPoll : wait.Value, _time, waitEnded.Token);
        try
        {
            while (true)
            {
                await Task.WhenAny(changed, delay).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                lock (Gate)
                {
                    var state = FindForAgent(agentId, approvalId, owningOnly: false);
                    if (delay.IsCompleted || state.Status != ApprovalStatus.Pending)
                    {
                        return Snapshot(state);
                    }

                    changed = state.Changed.Task;
                }
            }
        }
        finally
        {
            await waitEnded.CancelAsync().ConfigureAwait(false);
        }
    }

    internal async IAsyncEnumerable<Approval> WatchAsync(string agentId, string approvalId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lastVersion = -1L;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Approval? snapshot = null;
            Task changed;
            lock (Gate)
            {
                var state = FindForAgent(agentId, approvalId, owningOnly: false);
                if (state.Version != lastVersion)
                {
                    lastVersion = state.Version;
                    snapshot = Snapshot(state);
                }

                changed = state.Changed.Task;
            }

            if (snapshot is not null)
            {
                yield return snapshot;
                if (IsFinal(snapshot.Status))
                {
                    yield break;
                }
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal ClaimResult Claim(string agentId, string approvalId)
    {
        DecisionTokenClaims claims;
        Action<DecisionTokenClaims>[] hooks;
        lock (Gate)
        {
            var state = FindForAgent(agentId, approvalId, owningOnly: true);
            switch (state.Status)
            {
                case ApprovalStatus.Approved:
                    break;
                case ApprovalStatus.Executing or ApprovalStatus.Succeeded or ApprovalStatus.Failed:
                    throw Problems.AlreadyClaimed(state.Id);
                default:
                    throw Problems.NotApproved(state.Id, state.Status);
            }

            Transition(state, ApprovalStatus.Executing);
            claims = CreateClaims(state);
            hooks = [.. _tokenHooks];
        }

        // Hooks are user code: they run outside the lock, after the claim is already won.
        foreach (var hook in hooks)
        {
            hook(claims);
        }

        var token = DecisionTokenWriter.Write(claims, _keys.Current);
        lock (Gate)
        {
            _claims.Add(new RecordedClaim { ApprovalId = approvalId, AgentId = agentId, DecisionToken = token, Claims = claims, At = _time.GetUtcNow() });
        }

        return new ClaimResult { DecisionToken = token };
    }

    internal void ReportOutcome(string agentId, string approvalId, ApprovalOutcome outcome)
    {
        if (outcome.Status is not (OutcomeStatus.Succeeded or OutcomeStatus.Failed))
        {
            throw Problems.Validation("status", "The status must be 'succeeded' or 'failed'.", approvalId);
        }

        var to = outcome.Status == OutcomeStatus.Succeeded ? ApprovalStatus.Succeeded : ApprovalStatus.Failed;
        lock (Gate)
        {
            var state = FindForAgent(agentId, approvalId, owningOnly: true);
            if (state.Status == to)
            {
                // Reporting the same outcome again is idempotent, so a retried report is harmless.
                return;
            }

            if (state.Status != ApprovalStatus.Executing)
            {
                throw Problems.NotExecuting(state.Id, state.Status);
            }

            _outcomes[state.Id] = outcome;
            Transition(state, to);
        }
    }

    internal void Cancel(string agentId, string approvalId)
    {
        lock (Gate)
        {
            var state = FindForAgent(agentId, approvalId, owningOnly: true);
            if (state.Status == ApprovalStatus.Cancelled)
            {
                return;
            }

            if (state.Status != ApprovalStatus.Pending)
            {
                throw Problems.NotPending(state.Id, state.Status);
            }

            Transition(state, ApprovalStatus.Cancelled);
        }
    }

    internal string GetSigningKeysForAgent()
    {
        lock (Gate)
        {
            ThrowIfDisposedForAgent();
        }

        return _keys.ToJwks();
    }

    private static void Validate(CreateApprovalRequest request, string idempotencyKey)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            throw Problems.Validation("Idempotency-Key", "The Idempotency-Key header is required.");
        }

        if (request.Action is null)
        {
            throw Problems.Validation("action", "The action is required.");
        }

        if (!ActionKinds.IsValidName(request.Action.Kind))
        {
            throw Problems.Validation("action.kind", $"'{request.Action.Kind}' is not a valid action kind.");
        }

        if (string.IsNullOrWhiteSpace(request.Action.Name))
        {
            throw Problems.Validation("action.name", "The action name is required.");
        }

        if (string.IsNullOrWhiteSpace(request.ActionHash))
        {
            throw Problems.Validation("actionHash", "The action hash is required.");
        }
    }

    private DecisionTokenClaims CreateClaims(ApprovalState state)
    {
        var now = _time.GetUtcNow();
        var claims = new DecisionTokenClaims
        {
            Issuer = TokenIssuer,
            Audience = state.AgentId,
            Subject = state.Id,
            Id = Guid.NewGuid().ToString("N"),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _tokenLifetime,
            ActionHash = state.Request.ActionHash,
            RequestDigest = state.RequestDigest,
            Kind = state.Request.Action.Kind,
            Name = state.Request.Action.Name,
            Verdict = "approved",
            Initiator = state.Request.Initiator,
            KeyId = _keys.Current.KeyId,
        };

        // The approval is decided as soon as the threshold is met, so every approval recorded is one that met it.
        foreach (var decision in state.Decisions)
        {
            if (decision.Verdict == ApprovalVerdict.Approve)
            {
                claims.Approvers.Add(decision.Approver);
            }
        }

        return claims;
    }

    private void Record(CreateApprovalRequest request, string agentId, string idempotencyKey, string? approvalId, bool isReplay, DateTimeOffset at) =>
        _requests.Add(new RecordedApprovalRequest
        {
            Request = request,
            AgentId = agentId,
            IdempotencyKey = idempotencyKey,
            ApprovalId = approvalId,
            IsReplay = isReplay,
            At = at,
        });

    // Reads by another agent get 404 so approvals do not leak across agents; writes get 403.
    private ApprovalState FindForAgent(string agentId, string approvalId, bool owningOnly)
    {
        ThrowIfDisposedForAgent();
        if (!_approvals.TryGetValue(approvalId, out var state))
        {
            throw Problems.NotFound(approvalId);
        }

        if (!string.Equals(state.AgentId, agentId, StringComparison.Ordinal))
        {
            throw owningOnly ? Problems.NotOwner(approvalId) : Problems.NotFound(approvalId);
        }

        Refresh(state);
        ThrowIfFailed(state);
        return state;
    }

    private void ThrowIfDisposedForAgent()
    {
        if (_disposed)
        {
            throw Problems.Disposed();
        }
    }

    private static void ThrowIfFailed(ApprovalState state)
    {
        if (state.FailStatus is { } status)
        {
            throw Problems.ScriptedFailure(state.Id, status);
        }
    }
}
