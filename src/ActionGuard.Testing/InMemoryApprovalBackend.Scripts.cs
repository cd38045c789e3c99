using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Tokens;
using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

// How tests steer the service: rules choose a request's policy and script, scripts decide through the service as
// reviewers and policy rules would, and the service's hooks feed the recordings.
public sealed partial class InMemoryApprovalBackend
{
    private readonly AsyncLocal<ScriptSlot?> _scriptOfCreate = new();
    private readonly Dictionary<string, ApprovalScript> _scriptsOfNewApprovals = new(StringComparer.Ordinal);

    // The policy of a new request: the first matching rule's, or the configured default (null). A script that has policy
    // decide at once becomes the decision the service makes at creation, as a server's allow or deny rule does; any
    // other script is applied once the approval is stored (OnCreated).
    internal PolicyDecision? PolicyFor(ApprovalRecord pending)
    {
        var snapshot = Snapshot(pending);
        PolicyDecision? decision = null;
        ApprovalScript? script;
        lock (Gate)
        {
            script = _defaultScript;
            foreach (var rule in _rules)
            {
                if (rule.Predicate(snapshot))
                {
                    var (name, minApprovals, ttl, ruleScript) = rule.Snapshot();
                    decision = new PolicyDecision(new ApprovalPolicy { Rule = name, MinApprovals = minApprovals ?? _defaultMinApprovals, ApproverGroups = [] }, ttl ?? _defaultTtl, null, null);
                    script = ruleScript;
                    break;
                }
            }

            ApprovalVerdict? verdict = script?.Kind switch
            {
                ScriptKind.ApproveByPolicy => ApprovalVerdict.Approve,
                ScriptKind.DenyByPolicy => ApprovalVerdict.Deny,
                _ => null,
            };
            if (verdict is not null)
            {
                decision ??= new PolicyDecision(pending.Policy, pending.ExpiresAt - pending.CreatedAt, null, null);
                return decision with { AutoVerdict = verdict, Reason = script!.Reason };
            }

            if (script is not null)
            {
                _scriptsOfNewApprovals[pending.Id] = script;
            }
        }

        return decision;
    }

    // Every create the service handled, in process or over HTTP, as the agent sent it.
    internal void OnRequested(string agentId, string idempotencyKey, CreateCommand command, ApprovalRecord? record, bool created) =>
        Record(
            new CreateApprovalRequest
            {
                Action = command.Action,
                Initiator = command.Initiator,
                Arguments = command.Arguments,
                DataClasses = command.DataClasses,
                DataSamples = command.DataSamples.Count == 0 ? null : command.DataSamples,
                Justification = command.Justification,
                ActionHash = command.ActionHash,
            },
            agentId,
            idempotencyKey,
            record?.Id,
            isReplay: record is not null && !created);

    internal void OnCreated(ApprovalRecord record)
    {
        OnChanged(from: null, record);
        ApprovalScript? script;
        lock (Gate)
        {
            _scriptsOfNewApprovals.Remove(record.Id, out script);
        }

        if (script is null)
        {
            return;
        }

        // The in-memory store completes synchronously, so the script has run when this returns; an in-process create
        // replies with what it left, an HTTP create with the approval as created, as a server replies.
        var applied = ApplyScriptAsync(record.Id, script);
        if (applied.IsCompletedSuccessfully && _scriptOfCreate.Value is { } slot)
        {
            slot.Result = applied.Result;
        }
    }

    internal void OnChanged(ApprovalStatus? from, ApprovalRecord record)
    {
        var snapshot = Snapshot(record);
        lock (Gate)
        {
            if (from is { } previous && previous != record.Status)
            {
                _transitions.Add(new ApprovalTransition { ApprovalId = record.Id, From = previous, To = record.Status, At = _time.GetUtcNow() });
                // A final approval is never waited on again: its failure signal (if a wait made one) goes with it.
                if (ApprovalRecord.IsFinal(record.Status) && _failureSignals.Remove(record.Id, out var signal))
                {
                    signal.Dispose();
                }

                if (record.Status is ApprovalStatus.Succeeded or ApprovalStatus.Failed)
                {
                    var status = record.Status == ApprovalStatus.Succeeded ? OutcomeStatus.Succeeded : OutcomeStatus.Failed;
                    _outcomes.TryAdd(record.Id, new ApprovalOutcome { Status = status, Error = record.OutcomeError });
                }
            }

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
    }

    internal void OnClaimed(ApprovalRecord record, IssuedToken issued)
    {
        lock (Gate)
        {
            _claims.Add(new RecordedClaim
            {
                ApprovalId = record.Id,
                AgentId = record.AgentId,
                DecisionToken = issued.Token,
                Claims = new DecisionTokenClaims(issued.Content),
                At = _time.GetUtcNow(),
            });
        }
    }

    // Hooks are user code: the service runs them after the claim is won, outside every lock.
    internal void RunTokenHooks(DecisionTokenContent content)
    {
        Action<DecisionTokenClaims>[] hooks;
        lock (Gate)
        {
            hooks = [.. _tokenHooks];
        }

        var claims = new DecisionTokenClaims(content);
        foreach (var hook in hooks)
        {
            hook(claims);
        }
    }

    private Approval Snapshot(ApprovalRecord record) => record.ToApproval(_reviewUrlBase);

    // Returns the approval as the script left it, or null when the script changed nothing now.
    private async Task<ApprovalRecord?> ApplyScriptAsync(string approvalId, ApprovalScript script)
    {
        TransitionResult? result = null;
        switch (script.Kind)
        {
            case ScriptKind.Approve:
                foreach (var approver in script.Parties)
                {
                    // A decision the service refuses (self-approval, a repeated person) simply does not count.
                    result = await _service.DecideAsync(approvalId, Caller.ForPerson(approver, NoGroups), ApprovalVerdict.Approve, null, CancellationToken.None).ConfigureAwait(false);
                    if (result is null || result.Current.Status != ApprovalStatus.Pending)
                    {
                        break;
                    }
                }

                break;
            case ScriptKind.Deny:
                result = await _service.DecideAsync(approvalId, Caller.ForPerson(script.Parties[0], NoGroups), ApprovalVerdict.Deny, script.Reason, CancellationToken.None).ConfigureAwait(false);
                break;
            case ScriptKind.ApproveByPolicy:
                result = await _service.DecideByPolicyAsync(approvalId, ApprovalVerdict.Approve, null, TokenIssuer, CancellationToken.None).ConfigureAwait(false);
                break;
            case ScriptKind.DenyByPolicy:
                result = await _service.DecideByPolicyAsync(approvalId, ApprovalVerdict.Deny, script.Reason, TokenIssuer, CancellationToken.None).ConfigureAwait(false);
                break;
            case ScriptKind.Expire:
                result = await _service.ExpireNowAsync(approvalId, CancellationToken.None).ConfigureAwait(false);
                break;
            case ScriptKind.Fail:
                Fail(approvalId, script.FailStatus);
                break;
            case ScriptKind.AfterDelay when script.Delay == TimeSpan.Zero:
                return await ApplyScriptAsync(approvalId, script.Next!).ConfigureAwait(false);
            case ScriptKind.AfterDelay:
                lock (Gate)
                {
                    if (_disposed)
                    {
                        break;
                    }

                    _scriptTimers.Add(_time.CreateTimer(
                        static s =>
                        {
                            var (backend, id, next) = ((InMemoryApprovalBackend, string, ApprovalScript))s!;
                            _ = backend.RunScriptLaterAsync(id, next);
                        },
                        (this, approvalId, script.Next!),
                        script.Delay,
                        Timeout.InfiniteTimeSpan));
                }

                break;
            default:
                // NeverAnswer.
                break;
        }

        return result?.Current;
    }

    private async Task RunScriptLaterAsync(string approvalId, ApprovalScript script)
    {
        try
        {
            if (!_disposed)
            {
                await ApplyScriptAsync(approvalId, script).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            // The backend went away before the script's time came.
        }
    }

    // From now on every agent call on the approval fails, including the long polls and streams already waiting.
    private void Fail(string approvalId, System.Net.HttpStatusCode status)
    {
        CancellationTokenSource? waiting;
        lock (Gate)
        {
            _failures[approvalId] = status;
            _failureSignals.Remove(approvalId, out waiting);
        }

        waiting?.Cancel();
        waiting?.Dispose();
    }
}
