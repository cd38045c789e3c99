namespace ActionGuard;

/// <summary>
/// Marks a method as a privileged action: a call through an ActionGuard decorator blocks until a verified human
/// approves it on the approval backend, and never runs without that approval.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Resource"/> and <see cref="Destination"/> are templates filled from the method's parameters by name,
/// for example <c>"s3://{bucket}/{key}"</c>. A template that names a parameter the method does not have is an error
/// when the decorated service is registered.
/// </para>
/// <para>
/// The attribute can sit on the interface method or on the implementing method; the interface wins when both have one.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresApprovalAttribute : Attribute
{
    /// <summary>Initializes a new instance for a built-in <see cref="ActionKind"/>.</summary>
    /// <param name="kind">The category of the action.</param>
    public RequiresApprovalAttribute(ActionKind kind)
    {
        Kind = ActionKinds.ToName(kind);
        BuiltInKind = kind;
    }

    /// <summary>Initializes a new instance for a custom kind, named as <see cref="ActionKinds.IsValidName"/> accepts.</summary>
    /// <param name="kind">The custom kind name, for example <c>"payments.refund"</c>.</param>
    public RequiresApprovalAttribute(string kind)
    {
        Kind = ActionKinds.ValidateCustom(kind, nameof(kind));
    }

    /// <summary>Gets the wire name of the action kind.</summary>
    public string Kind { get; }

    /// <summary>Gets the built-in kind, or <see langword="null"/> for a custom kind.</summary>
    public ActionKind? BuiltInKind { get; }

    /// <summary>Gets or sets the action name. Defaults to <c>Type.Method</c> of the declaring interface or type.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the resource template, for example <c>"s3://{bucket}/{key}"</c>.</summary>
    public string? Resource { get; set; }

    /// <summary>Gets or sets the destination template: where data or a change is headed.</summary>
    public string? Destination { get; set; }

    /// <summary>Gets or sets the environment, for example <c>"prod"</c>. Defaults to the configured environment.</summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets a justification shown to the approver.</summary>
    public string? Justification { get; set; }

    /// <summary>
    /// Gets or sets how long to wait for a decision, in seconds. Zero (the default) uses
    /// <see cref="ActionGuardOptions.DefaultTimeout"/>.
    /// </summary>
    public int TimeoutSeconds { get; set; }
}
