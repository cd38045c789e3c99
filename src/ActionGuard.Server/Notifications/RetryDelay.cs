namespace ActionGuard.Server.Notifications;

/// <summary>Exponential backoff, bounded: base, 2×base, 4×base … never more than the maximum.</summary>
internal static class RetryDelay
{
    /// <summary>Gets the delay before try <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public static TimeSpan Before(int nextAttempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (baseDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Min(nextAttempt - 2, 30);
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Max(exponent, 0));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
