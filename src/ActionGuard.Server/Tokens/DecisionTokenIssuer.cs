using ActionGuard.Server.Approvals;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Tokens;

/// <summary>
/// Signs the decision token a claim returns, with every claim of the protocol: <c>iss</c>, <c>aud</c> (the agent),
/// <c>sub</c> (the approval), <c>jti</c>, <c>iat</c>/<c>nbf</c>/<c>exp</c>, <c>ag_hash</c>, <c>ag_request</c>, <c>ag_kind</c>,
/// <c>ag_name</c>, <c>ag_verdict</c>, <c>ag_approvers</c> and <c>ag_initiator</c>.
/// </summary>
internal sealed class DecisionTokenIssuer
{
    private readonly ServerSigningKeys _keys;
    private readonly TimeSpan _lifetime;
    private readonly IDecisionTokenHook[] _hooks;

    public DecisionTokenIssuer(ServerSigningKeys keys, IOptions<ActionGuardServerOptions> options, IEnumerable<IDecisionTokenHook> hooks)
    {
        _keys = keys;
        _lifetime = options.Value.TokenLifetime;
        _hooks = [.. hooks];
    }

    /// <summary>Picks up a key another instance rotated in (the store may be shared) before tokens are signed.</summary>
    public ValueTask RefreshKeysAsync(CancellationToken cancellationToken) =>
        _keys.RefreshAsync(ServerSigningKeys.SigningRefreshInterval, cancellationToken);

    public IssuedToken Issue(ApprovalRecord record, string issuer, DateTimeOffset now)
    {
        var key = _keys.Current;
        var content = DecisionTokenContent.For(record, issuer, now, _lifetime, key.KeyId);
        foreach (var hook in _hooks)
        {
            hook.Apply(record, content);
        }

        return new IssuedToken(content.Write(key), content);
    }
}
