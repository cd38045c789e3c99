using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Hashing;

namespace ActionGuard.Tests.Hashing;

public sealed class RequestDigestTests
{
    // Another writer than the SDK's (indented, reflection-based): the server digests what it parsed, not bytes.
    private static readonly JsonSerializerOptions IndentedWire = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static CreateApprovalRequest Request(string destination = "s3://internal/q3.csv") => new()
    {
        Action = new ApprovalAction { Kind = "data_export", Name = "Exporter.Export", Resource = "crm://customers", Destination = destination, Environment = "prod" },
        Initiator = new ApprovalParty { Issuer = "https://idp.example/", Subject = "dana" },
        Arguments = new Dictionary<string, JsonElement> { ["segment"] = JsonSerializer.SerializeToElement("emea"), ["rows"] = JsonSerializer.SerializeToElement(12) },
        DataClasses = new Dictionary<string, long> { ["email"] = 3 },
        Justification = "quarterly report",
        ActionHash = "sha256:" + new string('a', 64),
    };

    [Fact]
    public void The_agents_digest_of_its_request_equals_the_digest_of_the_body_as_a_server_receives_it()
    {
        var request = Request();
        var wire = JsonSerializer.Serialize(request, IndentedWire);
        using var received = JsonDocument.Parse(wire);

        Assert.Equal(RequestDigest.Compute(request), RequestDigest.Compute(received.RootElement));
        Assert.Matches("^sha256:[0-9a-f]{64}$", RequestDigest.Compute(request));
    }

    [Fact]
    public void Member_order_and_white_space_do_not_change_the_digest_but_any_value_does()
    {
        using var one = JsonDocument.Parse("""{"action":{"kind":"data_export","name":"x"},"actionHash":"h","justification":"j"}""");
        using var reordered = JsonDocument.Parse("""{ "justification" : "j", "actionHash":"h", "action":{"name":"x","kind":"data_export"} }""");
        using var changed = JsonDocument.Parse("""{"action":{"kind":"data_export","name":"x"},"actionHash":"h","justification":"J"}""");

        Assert.Equal(RequestDigest.Compute(one.RootElement), RequestDigest.Compute(reordered.RootElement));
        Assert.NotEqual(RequestDigest.Compute(one.RootElement), RequestDigest.Compute(changed.RootElement));
        Assert.NotEqual(RequestDigest.Compute(Request()), RequestDigest.Compute(Request("s3://public/q3.csv")));
    }

    [Fact]
    public void Numbers_beyond_double_precision_digest_differently()
    {
        using var a = JsonDocument.Parse("""{"arguments":{"amount":9007199254740993}}""");
        using var b = JsonDocument.Parse("""{"arguments":{"amount":9007199254740992}}""");
        using var c = JsonDocument.Parse("""{"arguments":{"amount":0.10000000000000000001}}""");
        using var d = JsonDocument.Parse("""{"arguments":{"amount":0.1}}""");

        Assert.NotEqual(RequestDigest.Compute(a.RootElement), RequestDigest.Compute(b.RootElement));
        Assert.NotEqual(RequestDigest.Compute(c.RootElement), RequestDigest.Compute(d.RootElement));
    }

    [Fact]
    public void The_claim_name_has_one_spelling_in_text_and_in_utf8() =>
        Assert.Equal(RequestDigest.ClaimName, System.Text.Encoding.UTF8.GetString(RequestDigest.ClaimNameUtf8));
}
