using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing;

/// <summary>
/// The claims of a decision token about to be signed, mutable so that <see cref="InMemoryApprovalBackend.OnIssuingToken"/>
/// hooks can tamper with any of them and test how the SDK's verifier reacts. Set a property to <see langword="null"/>
/// to leave the claim out.
/// </summary>
public sealed class DecisionTokenClaims
{
    /// <summary>Gets or sets <c>iss</c>: the backend's base address without a trailing slash.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets <c>aud</c>: the agent that created the request.</summary>
    public string? Audience { get; set; }

    /// <summary>Gets or sets <c>sub</c>: the approval id.</summary>
    public string? Subject { get; set; }

    /// <summary>Gets or sets <c>jti</c>: unique per token.</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets <c>iat</c>.</summary>
    public DateTimeOffset? IssuedAt { get; set; }

    /// <summary>Gets or sets <c>nbf</c>.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Gets or sets <c>exp</c>.</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>Gets or sets <c>ag_hash</c>: the action hash sent at creation.</summary>
    public string? ActionHash { get; set; }

    /// <summary>Gets or sets <c>ag_request</c>: the digest of the create request (<see cref="Hashing.RequestDigest"/>).</summary>
    public string? RequestDigest { get; set; }

    /// <summary>Gets or sets <c>ag_kind</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>Gets or sets <c>ag_name</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets <c>ag_verdict</c>: <c>approved</c>.</summary>
    public string? Verdict { get; set; }

    /// <summary>
    /// Gets the people whose approvals met the threshold, written as <c>ag_approvers</c> [{<c>iss</c>, <c>sub</c>, <c>name</c>}].
    /// Set <see cref="OmitApprovers"/> to leave the claim out entirely.
    /// </summary>
    public IList<ApprovalParty> Approvers { get; } = new List<ApprovalParty>();

    /// <summary>Gets or sets whether <c>ag_approvers</c> is left out of the token.</summary>
    public bool OmitApprovers { get; set; }

    /// <summary>Gets or sets <c>ag_initiator</c> {<c>iss</c>, <c>sub</c>}.</summary>
    public ApprovalParty? Initiator { get; set; }

    /// <summary>
    /// Gets extra claims written as they are (strings, numbers, booleans, <see cref="System.Text.Json.JsonElement"/>);
    /// an entry here replaces a claim of the same name.
    /// </summary>
    public IDictionary<string, object> AdditionalClaims { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets credentials to sign with instead of the backend's current key, for example a foreign key. The header's
    /// <c>kid</c> and <c>alg</c> then come from these credentials, and <see cref="KeyId"/> is ignored.
    /// </summary>
    public SigningCredentials? SignWith { get; set; }

    /// <summary>
    /// Gets or sets the <c>kid</c> written in the header when the backend's own key signs: initially that key's id.
    /// Set another value to announce a key that did not sign, or <see langword="null"/> to leave <c>kid</c> out.
    /// </summary>
    public string? KeyId { get; set; }
}
