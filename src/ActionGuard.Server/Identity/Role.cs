namespace ActionGuard.Server.Identity;

/// <summary>What an endpoint lets in.</summary>
internal enum Role
{
    /// <summary>An agent (API key or workload JWT).</summary>
    Agent,

    /// <summary>A person from a configured OIDC issuer.</summary>
    Approver,

    /// <summary>An agent or a person; the endpoint checks ownership.</summary>
    AgentOrApprover,

    /// <summary>A person in the auditor group.</summary>
    Auditor,
}
