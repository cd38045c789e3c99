using System.Net;
using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

/// <summary>
/// How the in-memory backend answers a request: approve, deny, stay silent, expire, fail, or any of these later.
/// Register one with <see cref="InMemoryApprovalBackend.RespondWith"/> or <see cref="ApprovalRule.RespondWith"/>.
/// </summary>
/// <remarks>
/// Scripted decisions go through the same checks as manual ones: an approver who is the initiator or the agent itself,
/// or who already decided, does not count, so such a request stays pending.
/// </remarks>
/// <example>
/// <code>
/// backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
/// backend.When(a => a.Action.Kind == ActionKind.DataExport)
///        .RespondWith(ApprovalScript.Deny(by: "bob", reason: "no exports on Fridays"));
/// </code>
/// </example>
public sealed class ApprovalScript
{
    private ApprovalScript(ScriptKind kind)
    {
        Kind = kind;
    }

    internal ScriptKind Kind { get; }

    internal IReadOnlyList<ApprovalParty> Parties { get; private init; } = [];

    internal string? Reason { get; private init; }

    internal HttpStatusCode FailStatus { get; private init; }

    internal TimeSpan Delay { get; private init; }

    internal ApprovalScript? Next { get; private init; }

    /// <summary>Approves by the rule's policy at once; the decision is recorded as made by <c>policy:&lt;rule&gt;</c>.</summary>
    /// <returns>The script.</returns>
    public static ApprovalScript Approve() => new(ScriptKind.ApproveByPolicy);

    /// <summary>Approves by <paramref name="by"/> at once (a person at <see cref="TestIdentities.Issuer"/>).</summary>
    /// <param name="by">The approver's subject, also used as display name.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript Approve(string by) => Approve(TestIdentities.Person(by));

    /// <summary>Approves by each of <paramref name="approvers"/> in turn, at once, until the threshold is met.</summary>
    /// <param name="approvers">The approvers; with none, the policy approves.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript Approve(params ApprovalParty[] approvers)
    {
        Guard.NotNull(approvers);
        if (approvers.Length == 0)
        {
            return Approve();
        }

        foreach (var approver in approvers)
        {
            ArgumentNullException.ThrowIfNull(approver, nameof(approvers));
        }

        return new(ScriptKind.Approve) { Parties = [.. approvers] };
    }

    /// <summary>Approves by each person named in <paramref name="by"/> in turn (people at <see cref="TestIdentities.Issuer"/>).</summary>
    /// <param name="by">The approvers' subjects.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript Approve(params string[] by)
    {
        Guard.NotNull(by);
        return Approve([.. by.Select(TestIdentities.Person)]);
    }

    /// <summary>Denies by <paramref name="by"/> at once (a person at <see cref="TestIdentities.Issuer"/>).</summary>
    /// <param name="by">The approver's subject, also used as display name.</param>
    /// <param name="reason">The reason; required.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript Deny(string by, string reason) => Deny(TestIdentities.Person(by), reason);

    /// <summary>Denies by <paramref name="by"/> at once.</summary>
    /// <param name="by">The approver.</param>
    /// <param name="reason">The reason; required.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript Deny(ApprovalParty by, string reason)
    {
        Guard.NotNull(by);
        Guard.NotNullOrEmpty(reason);
        return new(ScriptKind.Deny) { Parties = [by], Reason = reason };
    }

    /// <summary>Denies by the rule's policy at once; the decision is recorded as made by <c>policy:&lt;rule&gt;</c>.</summary>
    /// <param name="reason">The reason; required.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript DenyByPolicy(string reason)
    {
        Guard.NotNullOrEmpty(reason);
        return new(ScriptKind.DenyByPolicy) { Reason = reason };
    }

    /// <summary>Never decides: the request stays pending until it is decided manually, cancelled or its TTL passes.</summary>
    /// <returns>The script.</returns>
    public static ApprovalScript NeverAnswer() => new(ScriptKind.NeverAnswer);

    /// <summary>Expires the request at once, as if its TTL had passed.</summary>
    /// <returns>The script.</returns>
    public static ApprovalScript Expire() => new(ScriptKind.Expire);

    /// <summary>
    /// Makes every call for the request fail from now on, including its creation and idempotent replays:
    /// 5xx statuses throw <see cref="ApprovalBackendUnavailableException"/>, 4xx statuses <see cref="ApprovalRequestRejectedException"/>.
    /// </summary>
    /// <param name="status">The HTTP status to simulate. Default 503.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript Fail(HttpStatusCode status = HttpStatusCode.ServiceUnavailable)
    {
        if ((int)status < 400 || (int)status > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A failure status must be 4xx or 5xx.");
        }

        return new(ScriptKind.Fail) { FailStatus = status };
    }

    /// <summary>Runs <paramref name="then"/> once <paramref name="delay"/> has passed on the backend's clock.</summary>
    /// <param name="delay">How long to wait; zero runs <paramref name="then"/> at once.</param>
    /// <param name="then">The script to run.</param>
    /// <returns>The script.</returns>
    public static ApprovalScript AfterDelay(TimeSpan delay, ApprovalScript then)
    {
        Guard.NotNull(then);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(ScriptKind.AfterDelay) { Delay = delay, Next = then };
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ScriptKind.Approve => $"Approve({string.Join(", ", Parties)})",
        ScriptKind.Deny => $"Deny({Parties[0]}, {Reason})",
        ScriptKind.DenyByPolicy => $"DenyByPolicy({Reason})",
        ScriptKind.Fail => $"Fail({(int)FailStatus})",
        ScriptKind.AfterDelay => $"AfterDelay({Delay}, {Next})",
        ScriptKind.ApproveByPolicy => "Approve()",
        _ => $"{Kind}()",
    };
}
