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
    /// <summary>Initializes a new instance.</summary>
    /// <param name="kind">
    /// The category of the action: a built-in kind such as <see cref="ActionKind.DataExport"/>, or a custom kind name
    /// such as <c>"payments.refund"</c> (see <see cref="ActionKind.IsValidName"/>).
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not a valid kind name.</exception>
    public RequiresApprovalAttribute(string kind)
    {
        Kind = new ActionKind(kind, nameof(kind));
    }

    /// <summary>Gets the category of the action.</summary>
    public ActionKind Kind { get; }

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
