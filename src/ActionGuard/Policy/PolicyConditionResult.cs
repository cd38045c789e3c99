namespace ActionGuard.Policy;

/// <summary>One condition of a rule, evaluated.</summary>
/// <param name="Field">The field, for example <c>destination</c>, <c>dataClasses.email</c> or <c>arguments.rows</c>.</param>
/// <param name="Expected">The glob or threshold, for example <c>s3://internal-*</c> or <c>&gt; 10000</c>.</param>
/// <param name="Actual">The value found, or <see langword="null"/> when absent or unknown.</param>
/// <param name="Outcome">Whether the condition holds.</param>
internal sealed record PolicyConditionResult(string Field, string Expected, string? Actual, PolicyConditionOutcome Outcome);
