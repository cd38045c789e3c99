namespace ActionGuard.Tests.Identity;

// The per-person key is derived from the same facts as IsSamePerson: parties that share a key are one person, and
// the spellings IsSamePerson forgives share one key.
public sealed class PersonKeyTests
{
    public static TheoryData<ApprovalParty, ApprovalParty> SamePerson => new()
    {
        { new() { Issuer = "https://idp.example.com/", Subject = "alice" }, new() { Issuer = "HTTPS://IDP.example.com", Subject = "alice" } },
        { new() { Issuer = "https://a.example.com/", Subject = "alice", Email = "Alice@Example.com" }, new() { Issuer = "https://b.example.com/", Subject = "a.j", Email = "alice@example.com " } },
        { new() { Issuer = "https://a.example.com/", Subject = "alice", Person = "alice" }, new() { Issuer = "https://b.example.com/", Subject = "ajones-7", Person = "alice" } },
    };

    [Theory]
    [MemberData(nameof(SamePerson))]
    public void One_person_spelled_two_ways_has_one_key(ApprovalParty first, ApprovalParty second)
    {
        Assert.True(first.IsSamePerson(second));
        Assert.Equal(first.PersonKey, second.PersonKey);
    }

    [Fact]
    public void Two_people_have_two_keys()
    {
        var alice = new ApprovalParty { Issuer = "https://idp.example.com/", Subject = "alice" };
        var bob = new ApprovalParty { Issuer = "https://idp.example.com/", Subject = "bob" };
        var otherAlice = new ApprovalParty { Issuer = "https://other.example.com/", Subject = "alice" };

        Assert.NotEqual(alice.PersonKey, bob.PersonKey);
        Assert.NotEqual(alice.PersonKey, otherAlice.PersonKey);
        Assert.False(alice.IsSamePerson(otherAlice));
    }
}
