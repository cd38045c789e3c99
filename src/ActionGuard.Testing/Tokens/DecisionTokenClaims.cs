using ActionGuard.Server.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing;

/// <summary>
/// The claims of a decision token about to be signed, mutable so that <see cref="InMemoryApprovalBackend.OnIssuingToken"/>
/// hooks can tamper with any of them and test how the SDK's verifier reacts. Set a property to <see langword="null"/>
/// to leave the claim out.
/// </summary>
public sealed class DecisionTokenClaims
{
    /// <summary>Initializes a new instance with no claims set.</summary>
    public DecisionTokenClaims()
        : this(new DecisionTokenContent())
    {
    }

    // A view of the claims the server's token issuer is about to sign: a change here is a change there.
    internal DecisionTokenClaims(DecisionTokenContent content)
    {
        Content = content;
    }

    internal DecisionTokenContent Content { get; }

    /// <summary>Gets or sets <c>iss</c>: the backend's base address without a trailing slash.</summary>
    public string? Issuer
    {
        get => Content.Issuer;
        set => Content.Issuer = value;
    }

    /// <summary>Gets or sets <c>aud</c>: the agent that created the request.</summary>
    public string? Audience
    {
        get => Content.Audience;
        set => Content.Audience = value;
    }

    /// <summary>Gets or sets <c>sub</c>: the approval id.</summary>
    public string? Subject
    {
        get => Content.Subject;
        set => Content.Subject = value;
    }

    /// <summary>Gets or sets <c>jti</c>: unique per token.</summary>
    public string? Id
    {
        get => Content.Id;
        set => Content.Id = value;
    }

    /// <summary>Gets or sets <c>iat</c>.</summary>
    public DateTimeOffset? IssuedAt
    {
        get => Content.IssuedAt;
        set => Content.IssuedAt = value;
    }

    /// <summary>Gets or sets <c>nbf</c>.</summary>
    public DateTimeOffset? NotBefore
    {
        get => Content.NotBefore;
        set => Content.NotBefore = value;
    }

    /// <summary>Gets or sets <c>exp</c>.</summary>
    public DateTimeOffset? Expires
    {
        get => Content.Expires;
        set => Content.Expires = value;
    }

    /// <summary>Gets or sets <c>ag_hash</c>: the action hash sent at creation.</summary>
    public string? ActionHash
    {
        get => Content.ActionHash;
        set => Content.ActionHash = value;
    }

    /// <summary>Gets or sets <c>ag_request</c>: the digest of the create request (<see cref="Hashing.RequestDigest"/>).</summary>
    public string? RequestDigest
    {
        get => Content.RequestDigest;
        set => Content.RequestDigest = value;
    }

    /// <summary>Gets or sets <c>ag_kind</c>.</summary>
    public string? Kind
    {
        get => Content.Kind;
        set => Content.Kind = value;
    }

    /// <summary>Gets or sets <c>ag_name</c>.</summary>
    public string? Name
    {
        get => Content.Name;
        set => Content.Name = value;
    }

    /// <summary>Gets or sets <c>ag_verdict</c>: <c>approved</c>.</summary>
    public string? Verdict
    {
        get => Content.Verdict;
        set => Content.Verdict = value;
    }

    /// <summary>
    /// Gets the people whose approvals met the threshold, written as <c>ag_approvers</c> [{<c>iss</c>, <c>sub</c>, <c>name</c>}].
    /// Set <see cref="OmitApprovers"/> to leave the claim out entirely.
    /// </summary>
    public IList<ApprovalParty> Approvers => Content.Approvers;

    /// <summary>Gets or sets whether <c>ag_approvers</c> is left out of the token.</summary>
    public bool OmitApprovers
    {
        get => Content.OmitApprovers;
        set => Content.OmitApprovers = value;
    }

    /// <summary>Gets or sets <c>ag_initiator</c> {<c>iss</c>, <c>sub</c>}.</summary>
    public ApprovalParty? Initiator
    {
        get => Content.Initiator;
        set => Content.Initiator = value;
    }

    /// <summary>
    /// Gets extra claims written as they are (strings, numbers, booleans, <see cref="System.Text.Json.JsonElement"/>);
    /// an entry here replaces a claim of the same name.
    /// </summary>
    public IDictionary<string, object> AdditionalClaims => Content.AdditionalClaims;

    /// <summary>
    /// Gets or sets credentials to sign with instead of the backend's current key, for example a foreign key. The header's
    /// <c>kid</c> and <c>alg</c> then come from these credentials, and <see cref="KeyId"/> is ignored.
    /// </summary>
    public SigningCredentials? SignWith
    {
        get => Content.SignWith;
        set => Content.SignWith = value;
    }

    /// <summary>
    /// Gets or sets the <c>kid</c> written in the header when the backend's own key signs: initially that key's id.
    /// Set another value to announce a key that did not sign, or <see langword="null"/> to leave <c>kid</c> out.
    /// </summary>
    public string? KeyId
    {
        get => Content.KeyId;
        set => Content.KeyId = value;
    }
}
