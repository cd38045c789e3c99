namespace ActionGuard;

/// <summary>One named argument of a guarded action.</summary>
/// <param name="Name">The parameter name, as it appears in templates and in the approval request.</param>
/// <param name="Value">The full value. The action hash covers it whole; the request carries a redacted copy.</param>
/// <param name="IsSensitive">Whether the value must never leave the process (see <see cref="SensitiveAttribute"/>).</param>
public readonly record struct ActionArgument(string Name, object? Value, bool IsSensitive = false)
{
    /// <summary>
    /// Gets whether the value is the data the action moves (see <see cref="Classification.PayloadAttribute"/>): it is
    /// classified, and its data classes, counts and masked samples go with the approval request.
    /// </summary>
    public bool IsPayload { get; init; }
}
