using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

/// <summary>Builds the people that scripts and manual decisions name by a plain string.</summary>
public static class TestIdentities
{
    /// <summary>The identity provider of people named by a plain string: <c>https://idp.test/</c>.</summary>
    public const string Issuer = "https://idp.test/";

    /// <summary>Returns the person <paramref name="subject"/> at <see cref="Issuer"/>, with <paramref name="subject"/> as display name.</summary>
    /// <param name="subject">The subject, for example <c>"alice@example.com"</c>.</param>
    /// <returns>The party.</returns>
    public static ApprovalParty Person(string subject)
    {
        Guard.NotNullOrEmpty(subject);
        return new ApprovalParty { Issuer = Issuer, Subject = subject, Name = subject };
    }
}
