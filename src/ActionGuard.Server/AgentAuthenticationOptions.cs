namespace ActionGuard.Server;

/// <summary>How agents authenticate: API keys stored as SHA-256 hashes, or JWTs from a workload issuer.</summary>
public sealed class AgentAuthenticationOptions
{
    /// <summary>Gets the agents' API keys.</summary>
    public IList<AgentApiKeyOptions> ApiKeys { get; } = new List<AgentApiKeyOptions>();

    /// <summary>Gets or sets the workload identity issuer whose JWTs identify agents; <see langword="null"/> for none.</summary>
    public OidcIssuerOptions? Workload { get; set; }

    /// <summary>Gets or sets the claim of a workload JWT that names the agent. Default <c>sub</c>.</summary>
    public string AgentIdClaim { get; set; } = "sub";
}
