using Microsoft.CodeAnalysis;

namespace ActionGuard.Analyzers;

/// <summary>Every <see cref="DiagnosticDescriptor"/> ActionGuard reports.</summary>
internal static class Rules
{
    private const string SecurityCategory = "Security";
    private const string UsageCategory = "Usage";

    public static readonly DiagnosticDescriptor UnguardedDataExport = Create(
        RuleIdentifiers.UnguardedDataExport,
        "Unguarded data export",
        "'{0}' is a data export ({1}) and runs outside an approval guard",
        SecurityCategory,
        DiagnosticSeverity.Warning,
        "Data leaves its boundary without a human approving it. Put the call in a method carrying [RequiresApproval(ActionKind.DataExport)] that is called through its guarded interface, or inside a delegate passed to IActionGuard.ExecuteAsync.");

    public static readonly DiagnosticDescriptor UnguardedPermissionChange = Create(
        RuleIdentifiers.UnguardedPermissionChange,
        "Unguarded permission change",
        "'{0}' is a permission change ({1}) and runs outside an approval guard",
        SecurityCategory,
        DiagnosticSeverity.Warning,
        "Roles, grants, policies or keys change without a human approving it. Put the call in a method carrying [RequiresApproval(ActionKind.PermissionChange)] that is called through its guarded interface, or inside a delegate passed to IActionGuard.ExecuteAsync.");

    public static readonly DiagnosticDescriptor UnguardedInfrastructureMutation = Create(
        RuleIdentifiers.UnguardedInfrastructureMutation,
        "Unguarded infrastructure mutation",
        "'{0}' is an infrastructure mutation ({1}) and runs outside an approval guard",
        SecurityCategory,
        DiagnosticSeverity.Warning,
        "Infrastructure is created, changed or destroyed without a human approving it. Put the call in a method carrying [RequiresApproval(ActionKind.InfrastructureMutation)] that is called through its guarded interface, or inside a delegate passed to IActionGuard.ExecuteAsync.");

    public static readonly DiagnosticDescriptor GuardBypassed = Create(
        RuleIdentifiers.GuardBypassed,
        "Guarded method called on its implementation",
        "'{0}' carries [RequiresApproval] but is called on '{1}', which bypasses the approval decorator; {2}",
        SecurityCategory,
        DiagnosticSeverity.Warning,
        "The ActionGuard decorator implements the service interface. A call on the implementation type never reaches it, so the action runs without approval.");

    public static readonly DiagnosticDescriptor InvalidApprovalTemplate = Create(
        RuleIdentifiers.InvalidApprovalTemplate,
        "Invalid [RequiresApproval] template",
        "The {0} template \"{1}\" {2}",
        UsageCategory,
        DiagnosticSeverity.Error,
        "A Resource or Destination template that names a missing, CancellationToken or [Sensitive] parameter, or has unbalanced braces, makes the service's registration throw at start-up.");

    public static readonly DiagnosticDescriptor GuardCallNotAwaited = Create(
        RuleIdentifiers.GuardCallNotAwaited,
        "Guard call not awaited",
        "The result of '{0}' is not awaited: denial, timeout and backend faults are lost and the caller goes on before approval",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "IActionGuard.ExecuteAsync reports a denial or a timeout through the task it returns. Discarding the task silently drops the refusal and lets the caller continue as if the action had run.");

    public static readonly DiagnosticDescriptor SensitiveParameterNotMarked = Create(
        RuleIdentifiers.SensitiveParameterNotMarked,
        "Secret parameter of a guarded method not marked [Sensitive]",
        "Parameter '{0}' of guarded method '{1}' looks secret ({2}) but is not marked [Sensitive]",
        SecurityCategory,
        DiagnosticSeverity.Warning,
        "Arguments of a [RequiresApproval] method are shown to approvers. Redaction masks values that look secret, but only [Sensitive] guarantees the value never leaves the process.");

    public static readonly DiagnosticDescriptor InvalidCatalogEntry = Create(
        RuleIdentifiers.InvalidCatalogEntry,
        "Invalid sensitive-API catalog entry",
        "{0}",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "Lines of ActionGuard.Sensitive*.txt files read '{DocCommentId};{Kind};{message}', where Kind is DataExport, PermissionChange, InfrastructureMutation or Ignore.");

    public static DiagnosticDescriptor ForKind(SensitiveKind kind) => kind switch
    {
        SensitiveKind.DataExport => UnguardedDataExport,
        SensitiveKind.PermissionChange => UnguardedPermissionChange,
        _ => UnguardedInfrastructureMutation,
    };

    private static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string category,
        DiagnosticSeverity severity,
        string description) =>
        new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description, RuleIdentifiers.GetHelpLink(id));
}
