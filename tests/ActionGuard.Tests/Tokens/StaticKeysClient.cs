using ActionGuard.Client;

namespace ActionGuard.Tests.Tokens;

/// <summary>An <see cref="ApprovalClient"/> that only serves a JWKS document and counts fetches.</summary>
internal sealed class StaticKeysClient(string jwks) : ApprovalClient
{
    public string Jwks { get; set; } = jwks;

    public int Fetches { get; private set; }

    public override Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        Fetches++;
        return Task.FromResult(Jwks);
    }
}
