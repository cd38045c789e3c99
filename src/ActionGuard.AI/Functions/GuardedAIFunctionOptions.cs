namespace ActionGuard.AI;

/// <summary>
/// Describes the action behind a guarded <see cref="Microsoft.Extensions.AI.AIFunction"/>: what it touches, where it is
/// headed, which arguments must never leave the process, and how long to wait for a person.
/// </summary>
/// <remarks>
/// <see cref="Resource"/>, <see cref="Destination"/> and <see cref="Environment"/> are templates over the tool's argument
/// names, for example <c>"s3://{bucket}/{key}"</c>, with the rules of <see cref="ActionTemplate"/>. They are checked
/// when the function is wrapped, so a template that names an argument the tool does not have fails at start-up, not
/// on the first call.
/// </remarks>
public sealed class GuardedAIFunctionOptions
{
    /// <summary>Gets or sets the action name; defaults to <c>Type.Method</c> of the underlying method, else the tool's name.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the resource template: what the action touches.</summary>
    public string? Resource { get; set; }

    /// <summary>Gets or sets the destination template: where data or a change is headed.</summary>
    public string? Destination { get; set; }

    /// <summary>Gets or sets the environment template, for example <c>"prod"</c>; defaults to the configured environment.</summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets how long to wait for a decision; <see langword="null"/> uses <see cref="ActionGuardOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Gets the arguments whose values must never leave the process (as <see cref="SensitiveAttribute"/> on a
    /// parameter): masked in the request, still covered whole by the action hash.
    /// </summary>
    public ISet<string> SensitiveArguments { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the arguments that carry the data the action moves (as <see cref="Classification.PayloadAttribute"/>): they
    /// are classified, and the reviewer sees the classes, counts and masked samples.
    /// </summary>
    public ISet<string> PayloadArguments { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the guard to use. <see langword="null"/> (the default) takes <see cref="IActionGuard"/> from
    /// <see cref="Microsoft.Extensions.AI.AIFunctionArguments.Services"/> at each call; a call with neither fails closed.
    /// </summary>
    public IActionGuard? Guard { get; set; }

    /// <summary>
    /// Gets or sets whether a denial or a timeout is returned to the model as a tool result it can read
    /// (<see langword="true"/>, the default) instead of thrown as <see cref="ActionDeniedException"/> or
    /// <see cref="ApprovalTimeoutException"/>. Either way the function does not run.
    /// </summary>
    public bool ReturnDenialToModel { get; set; } = true;
}
