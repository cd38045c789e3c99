namespace ActionGuard.Server.Development;

/// <summary>What a one-time authorization code stands for: who signed in, for which client, callback, nonce and PKCE challenge.</summary>
internal sealed record AuthorizationGrant(
    string Subject,
    IReadOnlyList<string> Groups,
    string ClientId,
    string RedirectUri,
    string? Nonce,
    string CodeChallenge,
    DateTimeOffset ExpiresAt);
