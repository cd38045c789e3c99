namespace ActionGuard.Server.Store;

/// <summary>A decision-token signing key at rest: a P-256 private key as PKCS#8, base64.</summary>
internal sealed record StoredSigningKey(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, string PrivateKeyPkcs8);
