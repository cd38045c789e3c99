namespace ActionGuard;

/// <summary>The decision-token check that failed; see <see cref="ApprovalVerificationException"/>.</summary>
public enum VerificationCheck
{
    /// <summary>The token is missing or not a well-formed JWS.</summary>
    Malformed = 1,

    /// <summary>The signature does not verify against the backend's published keys, or the key is unknown.</summary>
    Signature,

    /// <summary>The signing algorithm is not one the SDK accepts.</summary>
    Algorithm,

    /// <summary><c>iss</c> is not the configured backend.</summary>
    Issuer,

    /// <summary><c>aud</c> is not this agent.</summary>
    Audience,

    /// <summary>The token is expired, not yet valid, or lives longer than the protocol allows.</summary>
    Lifetime,

    /// <summary><c>sub</c> is not the approval that was claimed.</summary>
    Subject,

    /// <summary><c>ag_hash</c> does not match the SDK's own recomputation of the action and arguments.</summary>
    ActionHash,

    /// <summary><c>ag_kind</c> or <c>ag_name</c> is not the action being run.</summary>
    Action,

    /// <summary><c>ag_verdict</c> is not <c>approved</c>.</summary>
    Verdict,

    /// <summary><c>ag_approvers</c> is missing, or includes the initiator or the agent itself.</summary>
    SelfApproval,

    /// <summary>The token's <c>jti</c> was already used.</summary>
    Replay,

    /// <summary>
    /// <c>ag_request</c> is not the digest of the request this agent sent: what the reviewer was shown or what policy
    /// matched (resource, destination, environment, arguments, data classes, …) was changed on the way.
    /// </summary>
    Request,
}
