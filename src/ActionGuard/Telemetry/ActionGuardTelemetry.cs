using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActionGuard.Telemetry;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>ActionGuard</c>. Subscribe with
/// <c>AddSource("ActionGuard")</c> and <c>AddMeter("ActionGuard")</c> in OpenTelemetry.
/// </summary>
internal static class ActionGuardTelemetry
{
    public const string Name = "ActionGuard";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(ActionGuardTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(ActionGuardTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Guarded calls that asked for approval, by kind.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "actionguard.requests", unit: "{request}", description: "Guarded calls that asked for approval.");

    /// <summary>Approvals that were verified and ran.</summary>
    public static readonly Counter<long> Approvals = Meter.CreateCounter<long>(
        "actionguard.approvals", unit: "{approval}", description: "Approvals verified and executed.");

    /// <summary>Denials by a person or a policy.</summary>
    public static readonly Counter<long> Denials = Meter.CreateCounter<long>(
        "actionguard.denials", unit: "{denial}", description: "Actions denied by an approver or a policy.");

    /// <summary>Guarded calls refused for any other reason (timeout, backend, verification), by reason.</summary>
    public static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "actionguard.refusals", unit: "{refusal}", description: "Guarded calls refused by timeout, backend fault or verification failure.");

    /// <summary>Time from creating the request to a decision.</summary>
    public static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>(
        "actionguard.wait.duration", unit: "s", description: "Time spent waiting for a decision.");

    public const string KindTag = "actionguard.action.kind";
    public const string NameTag = "actionguard.action.name";
    public const string ApprovalIdTag = "actionguard.approval.id";
    public const string OutcomeTag = "actionguard.outcome";
    public const string ReasonTag = "actionguard.reason";
}
