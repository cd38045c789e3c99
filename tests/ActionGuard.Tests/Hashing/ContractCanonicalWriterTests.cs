using System.Collections;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Hashing;

namespace ActionGuard.Tests.Hashing;

public sealed class ContractCanonicalWriterTests
{
    public static TheoryData<string> Requests => [.. Cases.Keys];

    private static readonly Dictionary<string, CreateApprovalRequest> Cases = new()
    {
        ["minimal"] = new() { Action = new() { Kind = "data_export", Name = "x" }, ActionHash = "h" },
        ["every member"] = new()
        {
            Action = new() { Kind = "data_export", Name = "Exporter.Export", Resource = "crm://customers", Destination = "s3://b/k", Environment = "prod" },
            Initiator = new() { Issuer = "https://idp.example/", Subject = "dana", Name = "Dana", Email = "dana@example.com", Person = "p-1", Token = "t" },
            Arguments = new Dictionary<string, JsonElement> { ["segment"] = Element("\"emea\""), ["rows"] = Element("12") },
            DataClasses = new Dictionary<string, long> { ["email"] = 3, ["credit_card"] = 1 },
            DataSamples = new Dictionary<string, IReadOnlyList<string>> { ["email"] = ["a@example.com", "b@example.com"] },
            Justification = "quarterly report",
            ActionHash = "sha256:" + new string('a', 64),
            ClaimIfAllowed = true,
        },
        ["claim not asked"] = new() { Action = new() { Kind = "k", Name = "n" }, ActionHash = "h", ClaimIfAllowed = false },
        ["text that needs escaping"] = new()
        {
            Action = new() { Kind = "k", Name = "quote \" back\\slash \n tab\t nul\u0000 é 😀 \u2028 <script>" },
            Justification = "ünïcödé \u001f",
            ActionHash = "h",
        },
        ["members sorted by code unit, not culture"] = new()
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new Dictionary<string, JsonElement> { ["b"] = Element("1"), ["B"] = Element("2"), ["é"] = Element("3"), ["a_"] = Element("4"), ["a"] = Element("5"), ["\U0001F600"] = Element("6"), ["\uFB01"] = Element("7") },
            ActionHash = "h",
        },
        ["numbers that need the exact rule"] = new()
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new Dictionary<string, JsonElement> { ["big"] = Element("9007199254740993"), ["limit"] = Element("9007199254740992"), ["sixteen"] = Element("1000000000000001"), ["tiny"] = Element("1e-400"), ["neg"] = Element("-0.0"), ["dec"] = Element("1.50") },
            DataClasses = new Dictionary<string, long>
            {
                ["beyond_double"] = (1L << 53) + 1, ["exact_power"] = 1L << 60, ["min"] = long.MinValue, ["zero"] = 0,
                ["fifteen_digits"] = 999_999_999_999_999, ["sixteen_digits"] = -1_000_000_000_000_000, ["double_limit"] = 1L << 53, ["round"] = 4_000_000_000_000_000,
            },
            ActionHash = "h",
        },
        ["nested and null argument values"] = new()
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new Dictionary<string, JsonElement> { ["nested"] = Element("""{"z":[1,{"y":null,"x":true}],"a":"b"}"""), ["none"] = Element("null") },
            DataSamples = new Dictionary<string, IReadOnlyList<string>> { ["email"] = [] },
            ActionHash = "h",
        },
        ["maps that are not IDictionary"] = new()
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new OnlyReadOnlyMap<JsonElement>(new() { ["b"] = Element("2"), ["a"] = Element("1") }),
            DataClasses = new OnlyReadOnlyMap<long>(new() { ["phone"] = 2 }),
            DataSamples = new OnlyReadOnlyMap<IReadOnlyList<string>>(new() { ["phone"] = ["+1 555"], ["email"] = ["a@b"] }),
            ActionHash = "h",
        },
        ["immutable maps"] = new()
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = ImmutableSortedDictionary.CreateRange<string, JsonElement>(StringComparer.OrdinalIgnoreCase, [new("B", Element("2")), new("a", Element("1"))]),
            DataSamples = ImmutableDictionary<string, IReadOnlyList<string>>.Empty.Add("iban", ImmutableArray.Create("DE00")),
            ActionHash = "h",
        },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Writing_from_the_contract_gives_the_bytes_of_canonicalising_the_serialized_body(string name)
    {
        var request = Cases[name];

        Assert.Equal(ThroughSerializer(request), FromContract(request));
    }

    [Fact]
    public void A_request_with_every_member_set_writes_every_member_of_the_contract()
    {
        using var written = JsonDocument.Parse(FromContract(Cases["every member"]));

        var contract = ApprovalJsonContext.Default.CreateApprovalRequest.Properties.Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(contract, written.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Text_with_a_lone_surrogate_is_written_as_the_serializer_sends_it()
    {
        var request = new CreateApprovalRequest
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new Dictionary<string, JsonElement> { ["key \udc00"] = Element("1") },
            Justification = "broken \ud800 text",
            ActionHash = "h",
        };

        var written = FromContract(request);

        Assert.Equal(ThroughSerializer(request), written);
        Assert.Contains("broken \uFFFD text", written, StringComparison.Ordinal);
        Assert.Contains("key \uFFFD", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_that_differ_only_in_lone_surrogates_are_sorted_as_sent_and_refused_when_they_collide()
    {
        var sorted = new CreateApprovalRequest
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new Dictionary<string, JsonElement> { ["\ud800a"] = Element("1"), ["\uE000"] = Element("2") },
            ActionHash = "h",
        };
        var colliding = new CreateApprovalRequest
        {
            Action = new() { Kind = "k", Name = "n" },
            Arguments = new Dictionary<string, JsonElement> { ["\ud800"] = Element("1"), ["\udc00"] = Element("2") },
            ActionHash = "h",
        };

        Assert.Equal(ThroughSerializer(sorted), FromContract(sorted));
        Assert.Throws<ArgumentException>(() => ThroughSerializer(colliding));
        Assert.Contains("more than one member", Assert.Throws<ArgumentException>(() => FromContract(colliding)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_digest_is_the_digest_of_the_body_the_server_receives()
    {
        foreach (var request in Cases.Values)
        {
            using var body = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(request, ApprovalJsonContext.Default.CreateApprovalRequest));
            Assert.Equal(RequestDigest.Compute(body.RootElement), RequestDigest.Compute(request));
        }
    }

    [Fact]
    public void Random_requests_are_written_as_canonicalising_their_serialized_body_would()
    {
        // A fixed seed: a failure names the request it failed on and can be replayed.
        var random = new Random(20261205);
        for (var i = 0; i < 2000; i++)
        {
            var request = RandomRequest(random);
            string expected;
            try
            {
                expected = ThroughSerializer(request);
            }
            catch (ArgumentException)
            {
                Assert.Throws<ArgumentException>(() => FromContract(request));
                continue;
            }

            var actual = FromContract(request);
            Assert.True(expected == actual, $"request {i}: expected {expected}, written {actual}");
        }
    }

    private static CreateApprovalRequest RandomRequest(Random random) => new()
    {
        Action = new()
        {
            Kind = RandomText(random),
            Name = RandomText(random),
            Resource = Maybe(random, RandomText),
            Destination = Maybe(random, RandomText),
            Environment = Maybe(random, RandomText),
        },
        Initiator = Maybe(random, r => new ApprovalParty { Subject = RandomText(r), Issuer = Maybe(r, RandomText), Email = Maybe(r, RandomText) }),
        Arguments = Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomText(random)).Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, _ => Element(RandomJson(random, depth: 0)), StringComparer.Ordinal),
        DataClasses = Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomText(random)).Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, _ => RandomLong(random), StringComparer.Ordinal),
        DataSamples = Maybe(random, r => (IReadOnlyDictionary<string, IReadOnlyList<string>>)Enumerable.Range(0, r.Next(1, 3)).Select(_ => RandomText(r)).Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, _ => (IReadOnlyList<string>)[.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => RandomText(r))], StringComparer.Ordinal)),
        Justification = Maybe(random, RandomText),
        ActionHash = RandomText(random),
        ClaimIfAllowed = random.Next(3) switch { 0 => null, 1 => false, _ => true },
    };

    private static T? Maybe<T>(Random random, Func<Random, T> make)
        where T : class => random.Next(3) == 0 ? null : make(random);

    // Text from a pool that holds every kind of character canonical JSON treats differently: escapes, controls,
    // non-ASCII, characters beyond the BMP, the code points that sort differently in UTF-16 than in UTF-8, and lone
    // surrogates.
    private static string RandomText(Random random)
    {
        string[] pool = ["a", "Z", "_", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "ß", "€", "\u2028", "\uFB01", "\uFFFD", "😀", "\U0001D11E", "\ud800", "\udc00", "<", "&", "'"];
        var length = random.Next(0, 8);
        return string.Concat(Enumerable.Range(0, length).Select(_ => pool[random.Next(pool.Length)]));
    }

    private static long RandomLong(Random random) => random.Next(6) switch
    {
        0 => random.Next(-1000, 1000),
        1 => random.NextInt64(-999_999_999_999_999, 1_000_000_000_000_000),
        2 => random.NextInt64(999_999_999_999_990, 1_000_000_000_000_010),
        3 => random.NextInt64(),
        4 => (1L << random.Next(40, 63)) * (random.Next(2) == 0 ? 1 : -1),
        _ => random.Next(2) == 0 ? long.MinValue : long.MaxValue,
    };

    private static string RandomJson(Random random, int depth)
    {
        string[] numbers = ["0", "-0", "1", "-1", "100", "1e2", "1E+2", "1.50", "0.1", "0.10000000000000000001", "9007199254740993", "999999999999999", "1000000000000000", "-123456789012345678901234567890", "1e-400", "1.7976931348623157e308", "5e-324", "123.456e-7"];
        var pick = depth > 2 ? random.Next(4) : random.Next(6);
        return pick switch
        {
            0 => numbers[random.Next(numbers.Length)],
            1 => JsonSerializer.Serialize(RandomText(random)),
            2 => random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" },
            3 => random.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            4 => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomJson(random, depth + 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => JsonSerializer.Serialize(RandomText(random))).Distinct(StringComparer.Ordinal)
                .Select(name => name + ":" + RandomJson(random, depth + 1))) + "}",
        };
    }

    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string ThroughSerializer(CreateApprovalRequest request)
    {
        using var buffer = PooledBufferWriter.Rent();
        var writer = new CanonicalJsonWriter(buffer);
        CanonicalJson.WriteElement(ref writer, JsonSerializer.SerializeToElement(request, ApprovalJsonContext.Default.CreateApprovalRequest), exactNumbers: true);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string FromContract(CreateApprovalRequest request)
    {
        using var buffer = PooledBufferWriter.Rent();
        var writer = new CanonicalJsonWriter(buffer);
        ContractCanonicalWriter.Write(ref writer, request, ApprovalJsonContext.Default.CreateApprovalRequest);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // A map that offers only the read-only interface, so the writer cannot take its dictionary shortcut.
    private sealed class OnlyReadOnlyMap<T>(Dictionary<string, T> inner) : IReadOnlyDictionary<string, T>
    {
        public T this[string key] => inner[key];

        public IEnumerable<string> Keys => inner.Keys;

        public IEnumerable<T> Values => inner.Values;

        public int Count => inner.Count;

        public bool ContainsKey(string key) => inner.ContainsKey(key);

        public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => inner.GetEnumerator();

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) => inner.TryGetValue(key, out value);

        IEnumerator IEnumerable.GetEnumerator() => inner.GetEnumerator();
    }
}
