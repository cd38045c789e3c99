namespace ActionGuard.Tokens;

/// <summary>The JWS algorithms (RFC 7518) a decision token may be verified with; anything else is refused.</summary>
internal enum JwsAlgorithm
{
    /// <summary>Not one of the algorithms below, or no <c>alg</c> at all.</summary>
    Unsupported = 0,
    ES256,
    ES384,
    ES512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
}
