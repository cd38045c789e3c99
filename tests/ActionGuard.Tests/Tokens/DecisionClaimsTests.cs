using System.Text;
using System.Text.Json;
using ActionGuard.Hashing;
using ActionGuard.Tokens;

namespace ActionGuard.Tests.Tokens;

// The claim names are written once; the UTF-8 spellings the verifier reads without transcoding must say the same.
public sealed class DecisionClaimsTests
{
    [Fact]
    public void The_utf8_claim_names_spell_the_constants()
    {
        Assert.Equal(DecisionClaims.ActionHash, Encoding.UTF8.GetString(DecisionClaims.ActionHashUtf8));
        Assert.Equal(RequestDigest.ClaimName, Encoding.UTF8.GetString(RequestDigest.ClaimNameUtf8));
    }

    [Fact]
    public void A_party_reads_back_as_written_with_everything_that_makes_it_one_person()
    {
        var party = new ApprovalParty { Issuer = "https://idp.example.com/", Subject = "alice", Name = "Alice", Email = "alice@example.com", Person = "alice-linked" };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            DecisionClaims.WriteParty(writer, party, withName: false);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var read = DecisionClaims.ReadParty(document.RootElement);

        Assert.Equal((party.Issuer, party.Subject, party.Email, party.Person), (read.Issuer, read.Subject, read.Email, read.Person));
        Assert.Null(read.Name);
        Assert.True(read.IsSamePerson(party));
    }
}
