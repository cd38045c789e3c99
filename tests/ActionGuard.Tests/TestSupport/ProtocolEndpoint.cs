namespace ActionGuard.Tests.TestSupport;

/// <summary>The agent-side endpoints of PROTOCOL.md that <see cref="ProtocolTestServer"/> serves.</summary>
public enum ProtocolEndpoint
{
    /// <summary>A path the protocol does not define.</summary>
    Unknown,

    /// <summary><c>POST /v1/approvals</c>.</summary>
    CreateApproval,

    /// <summary><c>GET /v1/approvals/{id}</c>, with or without <c>?wait=N</c>.</summary>
    GetApproval,

    /// <summary><c>GET /v1/approvals/{id}/events</c>.</summary>
    ApprovalEvents,

    /// <summary><c>POST /v1/approvals/{id}/claim</c>.</summary>
    Claim,

    /// <summary><c>POST /v1/approvals/{id}/outcome</c>.</summary>
    Outcome,

    /// <summary><c>POST /v1/outcomes</c>: several outcomes in one report, as the SDK sends them.</summary>
    Outcomes,

    /// <summary><c>POST /v1/approvals/{id}/cancel</c>.</summary>
    Cancel,

    /// <summary><c>GET /.well-known/jwks.json</c>.</summary>
    SigningKeys,
}
