namespace ActionGuard.Server.Tests.Conformance;

/// <summary>The policy every backend under the conformance suite runs, by rule name.</summary>
public static class ConformancePolicy
{
    /// <summary>Permission changes need two people.</summary>
    public const string TwoPerson = "two-person";

    /// <summary>Data exports in the dev environment are allowed without a person.</summary>
    public const string DevExports = "dev-exports";

    /// <summary>Anything bound for a plain-HTTP destination is denied without a person.</summary>
    public const string NoPlainHttp = "no-plain-http";

    public const string NoPlainHttpReason = "Plain HTTP destinations are not allowed.";

    /// <summary>Actions named <c>short.*</c> expire after half a second.</summary>
    public const string ShortLived = "short";

    public static readonly TimeSpan ShortTtl = TimeSpan.FromMilliseconds(500);
}
