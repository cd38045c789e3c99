using System.Globalization;
using System.Net;
using ActionGuard.Client;
using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// The protocol's state machine as pure functions of a stored record and the current time. The store runs them inside a
/// write transaction, so two racing callers see each other's result and exactly one of them wins.
/// </summary>
internal static class ApprovalStateMachine
{
    private static readonly HashSet<(ApprovalStatus, ApprovalStatus)> Allowed =
    [
        (ApprovalStatus.Pending, ApprovalStatus.Approved),
        (ApprovalStatus.Pending, ApprovalStatus.Denied),
        (ApprovalStatus.Pending, ApprovalStatus.Expired),
        (ApprovalStatus.Pending, ApprovalStatus.Cancelled),
        (ApprovalStatus.Approved, ApprovalStatus.Executing),
        (ApprovalStatus.Approved, ApprovalStatus.Expired),
        (ApprovalStatus.Executing, ApprovalStatus.Succeeded),
        (ApprovalStatus.Executing, ApprovalStatus.Failed),
    ];

    public static string StatusName(ApprovalStatus status) => status.ToString().ToLowerInvariant();

    public static bool IsDue(ApprovalRecord record, DateTimeOffset now) =>
        record.Status is ApprovalStatus.Pending or ApprovalStatus.Approved && now >= record.ExpiresAt;

    /// <summary>
    /// Expires the record when its TTL or claim window has passed, or at once when <paramref name="early"/> (an operator or
    /// a test ending the wait); a record that is neither pending nor approved is left as it is.
    /// </summary>
    public static TransitionResult Expire(ApprovalRecord record, DateTimeOffset now, bool early = false)
    {
        if (!IsDue(record, now) && !(early && record.Status is ApprovalStatus.Pending or ApprovalStatus.Approved))
        {
            return TransitionResult.Unchanged(record);
        }

        var updated = Move(record, ApprovalStatus.Expired);
        var entry = new AuditEntry(AuditTypes.Expired, record.Id, AuditData.System, now, AuditData.Build(w =>
        {
            w.WriteString("from", StatusName(record.Status));
            w.WriteString("expiresAt", AuditChain.FormatTime(record.ExpiresAt));
        }));
        return TransitionResult.Changed(updated, [entry]);
    }

    public static TransitionResult Decide(
        ApprovalRecord record,
        ApprovalParty approver,
        IReadOnlySet<string> approverGroups,
        ApprovalVerdict verdict,
        string? reason,
        TimeSpan claimWindow,
        DateTimeOffset now)
    {
        var expired = Expire(record, now);
        if (expired.Updated is not null)
        {
            return TransitionResult.Changed(expired.Updated, expired.Audit, ApiProblem.NotPending(record.Id, "expired"));
        }

        if (approver.IsPolicyRule)
        {
            return TransitionResult.Unchanged(record, new ApiProblem(ProtocolProblems.ReservedIdentity, "Subjects starting with 'policy:' are reserved for policy decisions."));
        }

        if (IsInitiator(record, approver))
        {
            return TransitionResult.Unchanged(record, SelfApproval($"{approver} initiated approval '{record.Id}' and cannot decide on it."));
        }

        if (string.Equals(approver.Subject, record.AgentId, StringComparison.Ordinal))
        {
            return TransitionResult.Unchanged(record, SelfApproval($"Agent '{record.AgentId}' cannot decide on its own approval '{record.Id}'."));
        }

        if (record.Policy.ApproverGroups.Count > 0 && !record.Policy.ApproverGroups.Any(approverGroups.Contains))
        {
            return TransitionResult.Unchanged(record, new ApiProblem(ProtocolProblems.NotInApproverGroup, $"Approval '{record.Id}' needs an approver in one of: {string.Join(", ", record.Policy.ApproverGroups)}."));
        }

        if (record.Status != ApprovalStatus.Pending)
        {
            return TransitionResult.Unchanged(record, ApiProblem.NotPending(record.Id, StatusName(record.Status)));
        }

        // Thresholds count people: one person decides once, whatever identity, channel or groups they arrive with.
        if (record.Decisions.Any(d => d.Approver.IsSamePerson(approver)))
        {
            return TransitionResult.Unchanged(record, new ApiProblem(ProtocolProblems.DuplicateDecision, $"{approver} has already decided on approval '{record.Id}'."));
        }

        var decision = new ApprovalDecision { Approver = Strip(approver), Verdict = verdict, Reason = reason, At = now };
        var decisions = record.Decisions.Append(decision).ToList();
        var actor = AuditData.Person(approver);
        var audit = new List<AuditEntry>(2)
        {
            new(AuditTypes.Decided, record.Id, actor, now, AuditData.Build(w =>
            {
                w.WriteString("verdict", verdict == ApprovalVerdict.Approve ? "approve" : "deny");
                AuditData.WriteOptional(w, "reason", reason);
                AuditData.WriteParty(w, "approver", approver);
            })),
        };

        var updated = record with { Decisions = decisions };
        if (verdict == ApprovalVerdict.Deny)
        {
            updated = Move(updated, ApprovalStatus.Denied);
            audit.Add(new(AuditTypes.Denied, record.Id, actor, now, AuditData.Build(w => w.WriteString("reason", reason))));
        }
        else if (decisions.Count(d => d.Verdict == ApprovalVerdict.Approve) >= record.Policy.MinApprovals)
        {
            updated = Move(updated, ApprovalStatus.Approved) with { ExpiresAt = now + claimWindow };
            audit.Add(new(AuditTypes.Approved, record.Id, actor, now, AuditData.Build(w =>
            {
                w.WriteNumber("approvals", decisions.Count(d => d.Verdict == ApprovalVerdict.Approve));
                w.WriteString("claimBy", AuditChain.FormatTime(now + claimWindow));
            })));
        }

        return TransitionResult.Changed(updated, audit);
    }

    /// <summary>
    /// A policy rule decides a pending record: at creation when the rule says so, or later for a backend that lets a rule
    /// decide after a delay. The decision is the rule's own party (<see cref="ApprovalParty.ForPolicyRule"/>), never a person's.
    /// </summary>
    public static TransitionResult DecideByPolicy(ApprovalRecord record, ApprovalVerdict verdict, string? reason, string issuer, TimeSpan claimWindow, DateTimeOffset now)
    {
        var expired = Expire(record, now);
        if (expired.Updated is not null)
        {
            return TransitionResult.Changed(expired.Updated, expired.Audit, ApiProblem.NotPending(record.Id, "expired"));
        }

        if (record.Status != ApprovalStatus.Pending)
        {
            return TransitionResult.Unchanged(record, ApiProblem.NotPending(record.Id, StatusName(record.Status)));
        }

        var rule = record.Policy.Rule ?? throw new InvalidOperationException($"Approval '{record.Id}' has no policy rule to decide by.");
        var party = ApprovalParty.ForPolicyRule(rule, issuer);
        reason ??= verdict == ApprovalVerdict.Deny ? $"Denied by policy rule '{rule}'." : null;
        var approved = verdict == ApprovalVerdict.Approve;
        var updated = Move(record, approved ? ApprovalStatus.Approved : ApprovalStatus.Denied) with
        {
            Decisions = [.. record.Decisions, new ApprovalDecision { Approver = party, Verdict = verdict, Reason = reason, At = now }],
            ExpiresAt = approved ? now + claimWindow : record.ExpiresAt,
        };
        var audit = new AuditEntry[]
        {
            new(AuditTypes.AutoDecided, record.Id, party.Subject, now, AuditData.Build(w =>
            {
                w.WriteString("verdict", approved ? "approve" : "deny");
                AuditData.WriteOptional(w, "reason", reason);
            })),
            new(approved ? AuditTypes.Approved : AuditTypes.Denied, record.Id, party.Subject, now, AuditData.Build(_ => { })),
        };
        return TransitionResult.Changed(updated, audit);
    }

    /// <summary>Whether an approval in this status was claimed: its token was issued, whatever the outcome since.</summary>
    public static bool IsClaimed(ApprovalStatus status) =>
        status is ApprovalStatus.Executing or ApprovalStatus.Succeeded or ApprovalStatus.Failed;

    public static TransitionResult Claim(ApprovalRecord record, string agentId, string tokenId, DateTimeOffset now)
    {
        if (!string.Equals(record.AgentId, agentId, StringComparison.Ordinal))
        {
            return TransitionResult.Unchanged(record, ApiProblem.NotOwner(record.Id));
        }

        var expired = Expire(record, now);
        if (expired.Updated is not null)
        {
            return TransitionResult.Changed(expired.Updated, expired.Audit, NotApproved(record.Id, "expired"));
        }

        if (IsClaimed(record.Status))
        {
            return TransitionResult.Unchanged(record, new ApiProblem(ProtocolProblems.AlreadyClaimed, $"Approval '{record.Id}' has already been claimed."));
        }

        if (record.Status != ApprovalStatus.Approved)
        {
            return TransitionResult.Unchanged(record, NotApproved(record.Id, StatusName(record.Status)));
        }

        var updated = Move(record, ApprovalStatus.Executing) with { TokenId = tokenId, ClaimedAt = now };
        var entry = new AuditEntry(AuditTypes.Claimed, record.Id, AuditData.Agent(agentId), now, AuditData.Build(w => w.WriteString("jti", tokenId)));
        return TransitionResult.Changed(updated, [entry]);
    }

    public static TransitionResult Outcome(ApprovalRecord record, string agentId, OutcomeStatus status, string? error, DateTimeOffset now)
    {
        if (!string.Equals(record.AgentId, agentId, StringComparison.Ordinal))
        {
            return TransitionResult.Unchanged(record, ApiProblem.NotOwner(record.Id));
        }

        var target = status == OutcomeStatus.Succeeded ? ApprovalStatus.Succeeded : ApprovalStatus.Failed;

        // A retried report of the same outcome is answered like the first one.
        if (record.Status == target)
        {
            return TransitionResult.Unchanged(record);
        }

        if (record.Status != ApprovalStatus.Executing)
        {
            return TransitionResult.Unchanged(record, new ApiProblem(ProtocolProblems.NotExecuting, $"Approval '{record.Id}' is {StatusName(record.Status)}; an outcome can only be reported for a claimed approval."));
        }

        var updated = Move(record, target) with { OutcomeError = error };
        var type = target == ApprovalStatus.Succeeded ? AuditTypes.Succeeded : AuditTypes.Failed;
        var entry = new AuditEntry(type, record.Id, AuditData.Agent(agentId), now, AuditData.Build(w => AuditData.WriteOptional(w, "error", error)));
        return TransitionResult.Changed(updated, [entry]);
    }

    public static TransitionResult Cancel(ApprovalRecord record, string agentId, DateTimeOffset now)
    {
        if (!string.Equals(record.AgentId, agentId, StringComparison.Ordinal))
        {
            return TransitionResult.Unchanged(record, ApiProblem.NotOwner(record.Id));
        }

        if (record.Status == ApprovalStatus.Cancelled)
        {
            return TransitionResult.Unchanged(record);
        }

        var expired = Expire(record, now);
        if (expired.Updated is not null)
        {
            return TransitionResult.Changed(expired.Updated, expired.Audit, ApiProblem.NotPending(record.Id, "expired"));
        }

        if (record.Status != ApprovalStatus.Pending)
        {
            return TransitionResult.Unchanged(record, ApiProblem.NotPending(record.Id, StatusName(record.Status)));
        }

        var updated = Move(record, ApprovalStatus.Cancelled);
        var entry = new AuditEntry(AuditTypes.Cancelled, record.Id, AuditData.Agent(agentId), now, AuditData.Build(_ => { }));
        return TransitionResult.Changed(updated, [entry]);
    }

    /// <summary>
    /// Whether <paramref name="approver"/> is the initiator, as <see cref="ApprovalParty.IsSamePerson"/> compares people
    /// (an initiator stated without an issuer is matched on the subject alone, so leaving the issuer out cannot open a
    /// way to approve one's own request).
    /// </summary>
    public static bool IsInitiator(ApprovalRecord record, ApprovalParty approver) =>
        record.Initiator is { } initiator && initiator.IsSamePerson(approver);

    private static ApprovalRecord Move(ApprovalRecord record, ApprovalStatus to)
    {
        if (!Allowed.Contains((record.Status, to)))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Approval '{record.Id}' cannot move from {record.Status} to {to}."));
        }

        return record with { Status = to };
    }

    private static ApprovalParty Strip(ApprovalParty party) =>
        new() { Issuer = party.Issuer, Subject = party.Subject, Name = party.Name, Email = party.Email, Person = party.Person };

    private static ApiProblem SelfApproval(string detail) =>
        new(ProtocolProblems.SelfApproval, detail);

    private static ApiProblem NotApproved(string id, string status) =>
        new(ProtocolProblems.NotApproved, $"Approval '{id}' is {status}; only an approved approval can be claimed.");
}
