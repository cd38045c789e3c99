using ActionGuard.Client;
using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

// The state machine of PROTOCOL.md. Every method here runs under Gate.
public sealed partial class InMemoryApprovalBackend
{
    private static bool IsAllowed(ApprovalStatus from, ApprovalStatus to) => (from, to) switch
    {
        (ApprovalStatus.Pending, ApprovalStatus.Approved or ApprovalStatus.Denied or ApprovalStatus.Expired or ApprovalStatus.Cancelled) => true,
        (ApprovalStatus.Approved, ApprovalStatus.Executing or ApprovalStatus.Expired) => true,
        (ApprovalStatus.Executing, ApprovalStatus.Succeeded or ApprovalStatus.Failed) => true,
        _ => false,
    };

    private static bool IsFinal(ApprovalStatus status) =>
        status is ApprovalStatus.Denied or ApprovalStatus.Expired or ApprovalStatus.Cancelled or ApprovalStatus.Succeeded or ApprovalStatus.Failed;

    private ApprovalParty PolicyParty(ApprovalState state) =>
        ApprovalParty.ForPolicyRule(state.Policy.Rule, TokenIssuer);

    private void Decide(ApprovalState state, ApprovalParty approver, ApprovalVerdict verdict, string? reason, bool byPolicy)
    {
        if (verdict == ApprovalVerdict.Deny && string.IsNullOrWhiteSpace(reason))
        {
            throw Problems.Validation("reason", "A reason is required to deny.", state.Id);
        }

        Refresh(state);
        if (!byPolicy)
        {
            if (approver.IsPolicyRule)
            {
                throw Problems.ReservedIdentity(state.Id);
            }

            if (approver.IsSamePerson(state.Request.Initiator))
            {
                throw Problems.SelfApproval(state.Id, $"{approver} initiated approval '{state.Id}' and cannot decide on it.");
            }

            // The agent's own identity never counts, whichever issuer vouches for it.
            if (string.Equals(approver.Subject, state.AgentId, StringComparison.Ordinal))
            {
                throw Problems.SelfApproval(state.Id, $"Agent '{state.AgentId}' cannot decide on its own approval '{state.Id}'.");
            }

            if (state.Decisions.Exists(d => d.Approver.IsSamePerson(approver)))
            {
                throw Problems.DuplicateDecision(state.Id, approver);
            }
        }

        if (state.Status != ApprovalStatus.Pending)
        {
            throw Problems.NotPending(state.Id, state.Status);
        }

        state.Decisions.Add(new ApprovalDecision { Approver = approver, Verdict = verdict, Reason = reason, At = _time.GetUtcNow() });
        if (verdict == ApprovalVerdict.Deny)
        {
            Transition(state, ApprovalStatus.Denied);
        }
        else if (byPolicy || state.Decisions.Count(d => d.Verdict == ApprovalVerdict.Approve) >= state.Policy.MinApprovals)
        {
            Transition(state, ApprovalStatus.Approved);
        }
        else
        {
            Touch(state);
        }
    }

    private void Transition(ApprovalState state, ApprovalStatus to)
    {
        var from = state.Status;
        if (!IsAllowed(from, to))
        {
            throw new InvalidOperationException($"Approval '{state.Id}' cannot move from {from} to {to}.");
        }

        var now = _time.GetUtcNow();
        state.Status = to;
        _transitions.Add(new ApprovalTransition { ApprovalId = state.Id, From = from, To = to, At = now });
        if (to == ApprovalStatus.Approved)
        {
            state.ExpiresAt = now + _claimWindow;
            ScheduleExpiry(state);
        }
        else
        {
            state.ExpiryTimer?.Dispose();
            state.ExpiryTimer = null;
        }

        if (IsFinal(to))
        {
            state.DisposeTimers();
        }

        Touch(state);
    }

    // Wakes long polls and watchers of the approval, and test code waiting for a matching request.
    private void Touch(ApprovalState state)
    {
        state.Version++;
        var changed = state.Changed;
        state.Changed = ApprovalState.NewSignal();
        changed.TrySetResult();

        if (_requestWaiters.Count == 0)
        {
            return;
        }

        var snapshot = Snapshot(state);
        for (var i = _requestWaiters.Count - 1; i >= 0; i--)
        {
            var (match, completion) = _requestWaiters[i];
            try
            {
                if (!match(snapshot))
                {
                    continue;
                }

                completion.TrySetResult(snapshot);
            }
#pragma warning disable CA1031 // A faulty test predicate fails its own wait, not the backend.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                completion.TrySetException(ex);
            }

            _requestWaiters.RemoveAt(i);
        }
    }

    // Expiry is applied on every read as well as by timers, so a late or coarse timer never shows a stale status.
    private void Refresh(ApprovalState state)
    {
        if (state.Status is ApprovalStatus.Pending or ApprovalStatus.Approved && _time.GetUtcNow() >= state.ExpiresAt)
        {
            Transition(state, ApprovalStatus.Expired);
        }
    }

    private void ScheduleExpiry(ApprovalState state)
    {
        state.ExpiryTimer?.Dispose();
        state.ExpiryTimer = null;
        var due = state.ExpiresAt - _time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            Refresh(state);
            return;
        }

        state.ExpiryTimer = _time.CreateTimer(
            static s =>
            {
                var (backend, approval) = ((InMemoryApprovalBackend, ApprovalState))s!;
                backend.OnExpiryTimer(approval);
            },
            (this, state),
            due,
            Timeout.InfiniteTimeSpan);
    }

    private void OnExpiryTimer(ApprovalState state)
    {
        lock (Gate)
        {
            if (_disposed || state.Status is not (ApprovalStatus.Pending or ApprovalStatus.Approved))
            {
                return;
            }

            if (_time.GetUtcNow() >= state.ExpiresAt)
            {
                Transition(state, ApprovalStatus.Expired);
            }
            else
            {
                // A timer that fires a little early re-arms for the rest.
                ScheduleExpiry(state);
            }
        }
    }

    private void ApplyScript(ApprovalState state, ApprovalScript script)
    {
        Refresh(state);
        switch (script.Kind)
        {
            case ScriptKind.Approve:
                foreach (var approver in script.Parties)
                {
                    if (state.Status != ApprovalStatus.Pending)
                    {
                        break;
                    }

                    TryDecide(state, approver, ApprovalVerdict.Approve, reason: null);
                }

                break;
            case ScriptKind.Deny:
                TryDecide(state, script.Parties[0], ApprovalVerdict.Deny, script.Reason);
                break;
            case ScriptKind.ApproveByPolicy when state.Status == ApprovalStatus.Pending:
                Decide(state, PolicyParty(state), ApprovalVerdict.Approve, reason: null, byPolicy: true);
                break;
            case ScriptKind.DenyByPolicy when state.Status == ApprovalStatus.Pending:
                Decide(state, PolicyParty(state), ApprovalVerdict.Deny, script.Reason, byPolicy: true);
                break;
            case ScriptKind.Expire when state.Status is ApprovalStatus.Pending or ApprovalStatus.Approved:
                Transition(state, ApprovalStatus.Expired);
                break;
            case ScriptKind.Fail:
                state.FailStatus = script.FailStatus;
                Touch(state);
                break;
            case ScriptKind.AfterDelay when script.Delay == TimeSpan.Zero:
                ApplyScript(state, script.Next!);
                break;
            case ScriptKind.AfterDelay:
                state.ScriptTimers.Add(_time.CreateTimer(
                    static s =>
                    {
                        var (backend, approval, next) = ((InMemoryApprovalBackend, ApprovalState, ApprovalScript))s!;
                        backend.OnScriptTimer(approval, next);
                    },
                    (this, state, script.Next!),
                    script.Delay,
                    Timeout.InfiniteTimeSpan));
                break;
            default:
                // NeverAnswer, or a decision that no longer applies.
                break;
        }
    }

    // A scripted decision the backend refuses (self-approval, a repeated approver) simply does not count.
    private void TryDecide(ApprovalState state, ApprovalParty approver, ApprovalVerdict verdict, string? reason)
    {
        try
        {
            Decide(state, approver, verdict, reason, byPolicy: false);
        }
        catch (ApprovalRequestRejectedException)
        {
        }
    }

    private void OnScriptTimer(ApprovalState state, ApprovalScript next)
    {
        lock (Gate)
        {
            if (!_disposed)
            {
                ApplyScript(state, next);
            }
        }
    }

    private Approval Snapshot(ApprovalState state) => new()
    {
        Id = state.Id,
        Status = state.Status,
        Action = state.Request.Action,
        AgentId = state.AgentId,
        Initiator = state.Request.Initiator,
        Arguments = state.Request.Arguments,
        DataClasses = state.Request.DataClasses,
        Justification = state.Request.Justification,
        ActionHash = state.Request.ActionHash,
        Policy = state.Policy,
        Decisions = [.. state.Decisions],
        CreatedAt = state.CreatedAt,
        ExpiresAt = state.ExpiresAt,
        ReviewUrl = new Uri(Issuer, "approvals/" + Uri.EscapeDataString(state.Id)),
    };
}
