namespace ActionGuard.Server;

/// <summary>One agent's API key, stored hashed: the backend never sees the key at rest.</summary>
public sealed class AgentApiKeyOptions
{
    /// <summary>Gets or sets the agent's identity: the audience of its decision tokens. Required.</summary>
    public string? AgentId { get; set; }

    /// <summary>
    /// Gets or sets the key's hash: <c>sha256:</c> and the lowercase hex SHA-256 of the key's UTF-8 bytes. Required.
    /// </summary>
    public string? KeyHash { get; set; }
}
