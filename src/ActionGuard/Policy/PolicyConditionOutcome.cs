namespace ActionGuard.Policy;

/// <summary>The result of one condition, or of a whole rule.</summary>
internal enum PolicyConditionOutcome
{
    /// <summary>The condition holds (the rule matches).</summary>
    True,

    /// <summary>The condition does not hold (the rule does not match).</summary>
    False,

    /// <summary>The fact is not known to this side (an argument absent, not a number, or masked).</summary>
    Unknown,
}
