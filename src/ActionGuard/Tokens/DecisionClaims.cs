using System.Text.Json;
using ActionGuard.Hashing;

namespace ActionGuard.Tokens;

/// <summary>
/// The protocol's decision-token claims (docs/protocol.md), named once for the backend that writes them, the in-memory
/// backend and the SDK that checks them; and the one JSON form of a party in <see cref="Approvers"/> and
/// <see cref="Initiator"/>.
/// </summary>
internal static class DecisionClaims
{
    public const string ActionHash = "ag_hash";
    public const string Request = RequestDigest.ClaimName;
    public const string Kind = "ag_kind";
    public const string Name = "ag_name";
    public const string Verdict = "ag_verdict";
    public const string Approvers = "ag_approvers";
    public const string Initiator = "ag_initiator";

    /// <summary>The only <see cref="Verdict"/> a decision token carries.</summary>
    public const string Approved = "approved";

    public static ReadOnlySpan<byte> ActionHashUtf8 => "ag_hash"u8;

    /// <summary>
    /// Writes a party as <c>{iss?, sub, name?, email?, person?}</c>: what <see cref="ApprovalParty.IsSamePerson"/>
    /// compares travels with it, so the agent compares people as the backend does.
    /// </summary>
    public static void WriteParty(Utf8JsonWriter writer, ApprovalParty party, bool withName)
    {
        writer.WriteStartObject();
        if (party.Issuer is not null)
        {
            writer.WriteString("iss", party.Issuer);
        }

        writer.WriteString("sub", party.Subject);
        if (withName && party.Name is not null)
        {
            writer.WriteString("name", party.Name);
        }

        if (party.Email is not null)
        {
            writer.WriteString("email", party.Email);
        }

        if (party.Person is not null)
        {
            writer.WriteString("person", party.Person);
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads a party written by <see cref="WriteParty"/>; members that are missing or not strings are <see langword="null"/>.</summary>
    public static ApprovalParty ReadParty(JsonElement item) => new()
    {
        Issuer = Text(item, "iss"),
        Subject = Text(item, "sub")!,
        Name = Text(item, "name"),
        Email = Text(item, "email"),
        Person = Text(item, "person"),
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
