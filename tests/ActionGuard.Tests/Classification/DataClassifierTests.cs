using System.Text;
using ActionGuard.Classification;

namespace ActionGuard.Tests.Classification;

public sealed class DataClassifierTests
{
    private static readonly DataClassifier Classifier = new();

    [Theory]
    [InlineData("contact john.doe@example.com today", DataClassNames.Email)]
    [InlineData("card 4111111111111111 charged", DataClassNames.PaymentCard)]
    [InlineData("card 4242 4242 4242 4242 charged", DataClassNames.PaymentCard)]
    [InlineData("amex 3782-822463-10005 ok", DataClassNames.PaymentCard)]
    [InlineData("pay to DE89370400440532013000 now", DataClassNames.Iban)]
    [InlineData("pay to GB82 WEST 1234 5698 7654 32 now", DataClassNames.Iban)]
    [InlineData("ssn 123-45-6789", DataClassNames.UsSsn)]
    [InlineData("NINO AB123456C on file", DataClassNames.UkNino)]
    [InlineData("DNI 12345678Z", DataClassNames.EsDni)]
    [InlineData("NIE X1234567L", DataClassNames.EsDni)]
    [InlineData("BSN: 111222333", DataClassNames.NlBsn)]
    [InlineData("call +44 20 7946 0958 now", DataClassNames.Phone)]
    [InlineData("call (415) 555-2671", DataClassNames.Phone)]
    [InlineData("phone: 020 7946 0958", DataClassNames.Phone)]
    [InlineData("from 192.168.10.20 port", DataClassNames.IpAddress)]
    [InlineData("from 2001:db8:85a3::8a2e:370:7334 port", DataClassNames.IpAddress)]
    [InlineData("key AKIAIOSFODNN7EXAMPLE", "secret.aws_access_key")]
    [InlineData("auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVl", "secret.jwt")]
    [InlineData("api_key = \"q8Zf3LmN0pR7sT2vX5yB9cD1\"", DataClassNames.HighEntropySecret)]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "secret.private_key")]
    public void Finds_each_class(string text, string expected)
    {
        var result = Classifier.Classify(text);

        Assert.Equal(1, result.CountOf(expected));
        Assert.Single(result.Findings);
        Assert.InRange(result.Findings[0].Confidence, 0.5, 1.0);
    }

    [Theory]
    [InlineData("card 4111111111111112 charged")] // Luhn fails
    [InlineData("card 9111111111111111 charged")] // no issuer with this prefix
    [InlineData("pay to DE89370400440532013001 now")] // mod 97 fails
    [InlineData("pay to DE8937040044053201300 now")] // wrong length for DE
    [InlineData("ssn 000-45-6789")]
    [InlineData("ssn 666-45-6789")]
    [InlineData("ssn 923-45-6789")]
    [InlineData("ssn 123-00-6789")]
    [InlineData("NINO QQ123456C on file")] // Q is never a first letter
    [InlineData("NINO GB123456A on file")] // reserved prefix
    [InlineData("DNI 12345678A")] // wrong letter
    [InlineData("BSN: 111222334")] // 11-proof fails
    [InlineData("order 111222333 shipped")] // 11-proof passes, but no context
    [InlineData("invoice 020 7946 0958")] // national number, no context
    [InlineData("version 999.1.1.1")]
    [InlineData("version 1.2.3.4.5")]
    [InlineData("at 12:30:45 std::vector")]
    [InlineData("api_key = \"aaaaaaaaaaaaaaaaaaaaaaaa\"")]
    [InlineData("the key is my_database_connection_name")]
    [InlineData("user@localhost and a@b")]
    public void Ignores_near_misses(string text)
    {
        var result = Classifier.Classify(text);

        Assert.True(result.IsEmpty, string.Join(", ", result.Counts.Select(c => $"{c.Key}={c.Value}")));
    }

    [Fact]
    public void Samples_are_masked_and_never_raw()
    {
        var result = Classifier.Classify("a john@example.com b 4242 4242 4242 4242 c 123-45-6789 d AKIAIOSFODNN7EXAMPLE e 10.1.2.3");

        Assert.Equal(["j***@example.com"], result.Samples[DataClassNames.Email]);
        Assert.Equal(["**** **** **** 4242"], result.Samples[DataClassNames.PaymentCard]);
        Assert.Equal(["***-**-6789"], result.Samples[DataClassNames.UsSsn]);
        Assert.Equal(["10.*.*.*"], result.Samples[DataClassNames.IpAddress]);
        Assert.DoesNotContain("IOSFODNN7EXAMPLE", result.Samples["secret.aws_access_key"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_at_most_the_configured_distinct_samples()
    {
        var classifier = new DataClassifier(new DataClassifierOptions { MaxSamplesPerClass = 2 });
        var result = classifier.Classify("a@example.com b@example.com c@example.com a@example.com");

        Assert.Equal(4, result.CountOf(DataClassNames.Email));
        Assert.Equal(2, result.Samples[DataClassNames.Email].Count);
    }

    [Fact]
    public async Task Stream_finds_values_across_every_chunk_boundary()
    {
        // Values land on every offset around the 32 KiB read boundary, and multi-byte characters shift the char offsets.
        var line = "é user: jane.roe@example.org card 4111 1111 1111 1111 iban NL91ABNA0417164300 ip 10.20.30.40 ß\n";
        var builder = new StringBuilder();
        int lines = 0;
        while (builder.Length < 300_000)
        {
            builder.Append(new string('x', lines % 97)).Append(line);
            lines++;
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(builder.ToString()));
        var result = await Classifier.ClassifyAsync(stream);

        Assert.Equal(lines, result.CountOf(DataClassNames.Email));
        Assert.Equal(lines, result.CountOf(DataClassNames.PaymentCard));
        Assert.Equal(lines, result.CountOf(DataClassNames.Iban));
        Assert.Equal(lines, result.CountOf(DataClassNames.IpAddress));
        Assert.Equal(builder.Length, result.CharactersScanned);
    }

    [Fact]
    public async Task Stream_handles_a_long_line_without_breaks_in_bounded_chunks()
    {
        var classifier = new DataClassifier(new DataClassifierOptions { MaxLineLength = 4096 });
        var text = string.Concat(Enumerable.Repeat("mail ann@example.com then ", 2000));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var result = await classifier.ClassifyAsync(stream);

        Assert.Equal(2000, result.CountOf(DataClassNames.Email));
    }

    [Fact]
    public async Task Private_key_body_split_across_chunks_is_not_a_high_entropy_secret()
    {
        var body = string.Concat(Enumerable.Range(0, 2000).Select(i => $"secret: MIIEowIBAAKCAQEAx{i:0000}Zq9Lm3Np7Rt2Vw5Xy8\n"));
        var text = "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\nsecret: Zq9Lm3Np7Rt2Vw5Xy8Ab4Cd\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var result = await Classifier.ClassifyAsync(stream);

        Assert.Equal(1, result.CountOf("secret.private_key"));
        Assert.Equal(1, result.CountOf(DataClassNames.HighEntropySecret));
    }

    [Fact]
    public void Csv_uses_column_names_as_context()
    {
        var csv = "name,\"bsn\",phone,notes\r\n" +
                  "Ann,111222333,020 7946 0958,\"likes \"\"quotes\"\", mail ann@example.com\"\n" +
                  "Bob,111222334,06 1234 5678,\"multi\nline 4111111111111111\"\n";

        var result = Classifier.Classify(csv, DataFormat.Csv);

        Assert.Equal(1, result.CountOf(DataClassNames.NlBsn));
        Assert.Equal(2, result.CountOf(DataClassNames.Phone));
        Assert.Equal(1, result.CountOf(DataClassNames.Email));
        Assert.Equal(1, result.CountOf(DataClassNames.PaymentCard));
        Assert.Equal(0, Classifier.Classify(csv).CountOf(DataClassNames.NlBsn));
    }

    [Fact]
    public async Task Csv_stream_and_json_lines_agree_with_rows()
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var csv = new StringBuilder("email,ssn,aadhaar,amount\n");
        var jsonl = new StringBuilder();
        var random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            string email = $"user{i}@example.com", ssn = TestIds.Ssn(random).Replace("-", "", StringComparison.Ordinal), aadhaar = TestIds.Aadhaar(random);
            rows.Add(new Dictionary<string, object?> { ["email"] = email, ["ssn"] = ssn, ["aadhaar"] = long.Parse(aadhaar, System.Globalization.CultureInfo.InvariantCulture), ["amount"] = 12.5m });
            csv.Append(email).Append(',').Append(ssn).Append(',').Append(aadhaar).Append(",12.5\n");
            jsonl.Append("{\"email\":\"").Append(email).Append("\",\"ssn\":\"").Append(ssn).Append("\",\"aadhaar\":").Append(aadhaar).Append(",\"amount\":12.5}\n");
        }

        jsonl.Append("not json: ann@example.com\n");
        using var csvStream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        using var jsonStream = new MemoryStream(Encoding.UTF8.GetBytes(jsonl.ToString()));

        var fromRows = Classifier.ClassifyRows(rows);
        var fromCsv = await Classifier.ClassifyAsync(csvStream, DataFormat.Csv);
        var fromJson = await Classifier.ClassifyAsync(jsonStream, DataFormat.JsonLines);

        foreach (var result in new[] { fromRows, fromCsv })
        {
            Assert.Equal(500, result.CountOf(DataClassNames.Email));
            Assert.Equal(500, result.CountOf(DataClassNames.UsSsn));
            Assert.Equal(500, result.CountOf(DataClassNames.InAadhaar));
            Assert.Equal(3, result.Findings.Count);
        }

        Assert.Equal(501, fromJson.CountOf(DataClassNames.Email));
        Assert.Equal(500, fromJson.CountOf(DataClassNames.UsSsn));
        Assert.Equal(500, fromJson.CountOf(DataClassNames.InAadhaar));
    }

    [Fact]
    public void Scan_time_is_linear_on_adversarial_input()
    {
        string[] adversarial =
        [
            new string('@', 200_000),
            string.Concat(Enumerable.Repeat("a.", 100_000)) + "@",
            string.Concat(Enumerable.Repeat("1 ", 100_000)),
            string.Concat(Enumerable.Repeat("1:", 100_000)),
            string.Concat(Enumerable.Repeat("key=", 50_000)),
            string.Concat(Enumerable.Repeat("+1 ", 70_000)),
        ];

        foreach (string text in adversarial)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Classifier.Classify(text);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{text[..10]}… took {watch.Elapsed}");
        }
    }
}
