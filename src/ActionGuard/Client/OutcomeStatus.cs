namespace ActionGuard.Client;

/// <summary>How a claimed action ended.</summary>
public enum OutcomeStatus
{
    /// <summary>The action completed.</summary>
    Succeeded = 1,

    /// <summary>The action threw or reported failure.</summary>
    Failed,
}
