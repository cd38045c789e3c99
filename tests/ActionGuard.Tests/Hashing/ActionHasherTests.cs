using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActionGuard.Hashing;

namespace ActionGuard.Tests.Hashing;

public sealed class ActionHasherTests
{
    private static readonly byte[] Nonce = [.. Enumerable.Range(0, 16).Select(i => (byte)(i * 17))];

    // base64url of 00 11 22 ... ff without padding, computed by hand from the 16 bytes above.
    private const string NonceText = "ABEiM0RVZneImaq7zN3u_w";

    [Fact]
    public void Nonce_fixture_is_the_base64url_the_vectors_assume()
        => Assert.Equal(NonceText, Convert.ToBase64String(Nonce).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    [Fact]
    public void Hash_matches_a_hand_built_canonical_document()
    {
        var action = new GuardedAction(ActionKind.DataExport, "CustomerExporter.ExportAsync")
        {
            Resource = "s3://exports/customers.csv",
            Destination = "partner-sftp",
            Arguments =
            [
                new("rows", 1204),
                new("format", "csv"),
                new("apiKey", "sk-live-123", IsSensitive: true),
                new("dryRun", false),
                new("ratio", 0.5),
            ],
        };

        const string Canonical = "{\"arguments\":{\"apiKey\":\"sk-live-123\",\"dryRun\":false,\"format\":\"csv\",\"ratio\":0.5,\"rows\":1204},"
            + "\"destination\":\"partner-sftp\",\"environment\":\"prod\",\"kind\":\"data_export\","
            + "\"name\":\"CustomerExporter.ExportAsync\",\"nonce\":\"" + NonceText + "\",\"resource\":\"s3://exports/customers.csv\"}";

        Assert.Equal(Expected(Canonical), Hash(action, "prod"));
    }

    [Fact]
    public void Absent_resource_destination_and_environment_are_null_and_arguments_empty()
    {
        var action = new GuardedAction("payments.refund", "Refund");
        string canonical = "{\"arguments\":{},\"destination\":null,\"environment\":null,\"kind\":\"payments.refund\","
            + "\"name\":\"Refund\",\"nonce\":\"" + NonceText + "\",\"resource\":null}";

        Assert.Equal(Expected(canonical), Hash(action, null));
    }

    [Fact]
    public void Hash_has_the_protocol_format()
    {
        string hash = Hash(new GuardedAction(ActionKind.PermissionChange, "Grant"), "dev");

        Assert.Matches("^sha256:[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Scalar_types_have_their_documented_forms()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var when = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2));
        var utc = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var action = new GuardedAction(ActionKind.InfrastructureMutation, "Scale")
        {
            Arguments =
            [
                new("a_null", null),
                new("b_char", 'x'),
                new("c_byte", (byte)7),
                new("d_short", (short)-3),
                new("e_uint", 4_000_000_000u),
                new("f_float", 0.1f),
                new("g_decimal", 19.99m),
                new("h_guid", id),
                new("i_when", when),
                new("j_utc", utc),
                new("k_span", TimeSpan.FromMinutes(90.5)),
                new("l_uri", new Uri("https://example.com/a b?x=1", UriKind.Absolute)),
                new("m_enum", DayOfWeek.Friday),
                new("n_bytes", new byte[] { 1, 2, 3, 250 }),
                new("o_memory", new ReadOnlyMemory<byte>([0xff, 0xfe])),
                new("p_date", new DateOnly(2024, 2, 29)),
                new("q_nan", double.NaN),
                new("r_neg_zero", -0.0),
                new("s_big_double", 1e21),
            ],
        };

        string arguments = "{\"a_null\":null,\"b_char\":\"x\",\"c_byte\":7,\"d_short\":-3,\"e_uint\":4000000000,\"f_float\":0.1,"
            + "\"g_decimal\":19.99,\"h_guid\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"i_when\":\"2025-03-04T05:06:07.8900000+02:00\","
            + "\"j_utc\":\"2025-01-02T03:04:05.0000000Z\",\"k_span\":\"01:30:30\",\"l_uri\":\"https://example.com/a b?x=1\","
            + "\"m_enum\":\"Friday\",\"n_bytes\":\"AQID+g==\",\"o_memory\":\"//4=\",\"p_date\":\"2024-02-29\",\"q_nan\":\"NaN\","
            + "\"r_neg_zero\":0,\"s_big_double\":1e+21}";

        Assert.Equal(Expected(Document(action, arguments)), Hash(action, null));
    }

    [Theory]
    [InlineData(9007199254740992L, "9007199254740992")]
    [InlineData(-9007199254740992L, "-9007199254740992")]
    [InlineData(9007199254740993L, "\"9007199254740993\"")]
    [InlineData(long.MaxValue, "\"9223372036854775807\"")]
    [InlineData(long.MinValue, "\"-9223372036854775808\"")]
    public void Longs_beyond_2_pow_53_are_hashed_as_exact_strings(long value, string json)
    {
        var action = WithArguments(new ActionArgument("n", value));

        Assert.Equal(Expected(Document(action, "{\"n\":" + json + "}")), Hash(action, null));
    }

    [Fact]
    public void Neighbouring_large_longs_hash_differently()
    {
        // As doubles both are 9007199254740992: binding must not depend on that.
        Assert.NotEqual(
            Hash(WithArguments(new ActionArgument("n", 9007199254740993L)), null),
            Hash(WithArguments(new ActionArgument("n", 9007199254740992L)), null));
        Assert.NotEqual(
            Hash(WithArguments(new ActionArgument("n", ulong.MaxValue)), null),
            Hash(WithArguments(new ActionArgument("n", ulong.MaxValue - 1)), null));
    }

    [Theory]
    [InlineData("333333333.33333329", "\"333333333.33333329\"")]
    [InlineData("79228162514264337593543950335", "\"79228162514264337593543950335\"")]
    [InlineData("-79228162514264337593543950335", "\"-79228162514264337593543950335\"")]
    [InlineData("0.1000000000000000000000000001", "\"0.1000000000000000000000000001\"")]
    [InlineData("12345678901234.50", "12345678901234.5")]
    [InlineData("4.50", "4.5")]
    [InlineData("-0.000001", "-0.000001")]
    public void Decimals_that_a_double_cannot_hold_are_hashed_as_exact_strings(string value, string json)
    {
        var action = WithArguments(new ActionArgument("amount", decimal.Parse(value, CultureInfo.InvariantCulture)));

        Assert.Equal(Expected(Document(action, "{\"amount\":" + json + "}")), Hash(action, null));
    }

    [Fact]
    public void Other_wide_integers_keep_their_exact_digits()
    {
        var action = WithArguments(
            new ActionArgument("a", (Int128)long.MaxValue * 4),
            new ActionArgument("b", BigInteger.Pow(10, 30)),
            new ActionArgument("c", (UInt128)42),
            new ActionArgument("d", (nint)(-5)));

        string arguments = "{\"a\":\"36893488147419103228\",\"b\":\"1000000000000000000000000000000\",\"c\":42,\"d\":-5}";
        Assert.Equal(Expected(Document(action, arguments)), Hash(action, null));
    }

    [Fact]
    public void Different_nonce_gives_a_different_hash()
    {
        var action = WithArguments(new ActionArgument("x", 1));
        byte[] other = (byte[])Nonce.Clone();
        other[15] ^= 1;
        var hasher = new ActionHasher(null);

        Assert.NotEqual(hasher.ComputeHash(action, null, Nonce), hasher.ComputeHash(action, null, other));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(0)]
    public void A_nonce_of_the_wrong_length_is_refused(int length)
        => Assert.Throws<ArgumentException>(() => new ActionHasher(null).ComputeHash(WithArguments(), null, new byte[length]));

    [Fact]
    public void Any_argument_change_changes_the_hash()
    {
        string longText = new('a', 100_000);
        ActionArgument[] baseline =
        [
            new("text", longText + "b"),
            new("password", "hunter2", IsSensitive: true),
            new("count", 3),
            new("flag", true),
            new("nested", new Dictionary<string, object?> { ["k"] = new[] { 1, 2 } }),
        ];
        string original = Hash(WithArguments(baseline), null);

        ActionArgument[][] variants =
        [
            [new("text", longText + "c"), baseline[1], baseline[2], baseline[3], baseline[4]],
            [baseline[0], new("password", "hunter3", IsSensitive: true), baseline[2], baseline[3], baseline[4]],
            [baseline[0], baseline[1], new("count", 4), baseline[3], baseline[4]],
            [baseline[0], baseline[1], new("count", "3"), baseline[3], baseline[4]],
            [baseline[0], baseline[1], baseline[2], new("flag", false), baseline[4]],
            [baseline[0], baseline[1], baseline[2], baseline[3], new("nested", new Dictionary<string, object?> { ["k"] = new[] { 2, 1 } })],
            [baseline[0], baseline[1], baseline[2], baseline[3]],
            [baseline[0], baseline[1], baseline[2], baseline[3], baseline[4], new("extra", null)],
            [baseline[0], baseline[1], new("Count", 3), baseline[3], baseline[4]],
        ];

        foreach (ActionArgument[] variant in variants)
        {
            Assert.NotEqual(original, Hash(WithArguments(variant), null));
        }
    }

    [Fact]
    public void Action_fields_are_bound()
    {
        var baseline = new GuardedAction(ActionKind.DataExport, "Export") { Resource = "r", Destination = "d" };
        string original = Hash(baseline, "prod");

        Assert.NotEqual(original, Hash(baseline, "staging"));
        Assert.NotEqual(original, Hash(baseline, null));
        Assert.NotEqual(original, Hash(new GuardedAction(ActionKind.DataExport, "Export") { Resource = "r2", Destination = "d" }, "prod"));
        Assert.NotEqual(original, Hash(new GuardedAction(ActionKind.DataExport, "Export") { Resource = "r", Destination = "d2" }, "prod"));
        Assert.NotEqual(original, Hash(new GuardedAction(ActionKind.DataExport, "Export2") { Resource = "r", Destination = "d" }, "prod"));
        Assert.NotEqual(original, Hash(new GuardedAction(ActionKind.PermissionChange, "Export") { Resource = "r", Destination = "d" }, "prod"));
    }

    [Fact]
    public void Missing_and_empty_resource_hash_differently()
    {
        Assert.NotEqual(
            Hash(new GuardedAction(ActionKind.DataExport, "Export"), null),
            Hash(new GuardedAction(ActionKind.DataExport, "Export") { Resource = string.Empty }, null));
        Assert.NotEqual(
            Hash(new GuardedAction(ActionKind.DataExport, "Export"), null),
            Hash(new GuardedAction(ActionKind.DataExport, "Export") { Resource = "null" }, null));
    }

    [Fact]
    public void Justification_timeout_and_sensitivity_flags_are_not_part_of_the_hash()
    {
        var a = new GuardedAction(ActionKind.DataExport, "Export") { Arguments = [new("k", "v")] };
        var b = new GuardedAction(ActionKind.DataExport, "Export")
        {
            Justification = "quarterly report",
            Timeout = TimeSpan.FromMinutes(3),
            Arguments = [new("k", "v", IsSensitive: true)],
        };

        Assert.Equal(Hash(a, null), Hash(b, null));
    }

    [Fact]
    public void Argument_order_does_not_matter()
    {
        var forward = WithArguments(new("b", 2), new("a", 1), new("é", 3), new("B", 4));
        var backward = WithArguments(new("B", 4), new("é", 3), new("a", 1), new("b", 2));

        Assert.Equal(Hash(forward, null), Hash(backward, null));
        Assert.Equal(Expected(Document(forward, "{\"B\":4,\"a\":1,\"b\":2,\"é\":3}")), Hash(forward, null));
    }

    [Fact]
    public void Many_arguments_are_sorted_too()
    {
        ActionArgument[] arguments = [.. Enumerable.Range(0, 100).Select(i => new ActionArgument("p" + i.ToString("D3", CultureInfo.InvariantCulture), i))];
        string expected = "{" + string.Join(",", arguments.Select(a => $"\"{a.Name}\":{a.Value}")) + "}";

        Assert.Equal(Expected(Document(WithArguments([.. arguments]), expected)), Hash(WithArguments([.. arguments.Reverse()]), null));
    }

    [Fact]
    public void Duplicate_argument_names_are_refused_with_the_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => Hash(WithArguments(new("to", "a"), new("cc", "b"), new("to", "c")), null));

        Assert.Contains("\"to\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_without_a_name_is_refused()
        => Assert.Throws<ArgumentException>(() => Hash(WithArguments(new("a", 1), default), null));

    [Theory]
    [InlineData("12345678901234567891", "12345678901234567892")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("0.1000000000000000000000000000001", "0.1")]
    [InlineData("123456789012345678901234567890123", "123456789012345678901234567890124")]
    [InlineData("1e400", "1e401")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    public void Json_numbers_that_differ_beyond_double_precision_hash_differently(string a, string b)
    {
        // Tool calls arrive as JSON: a value changed while the request is pending must not still match.
        Assert.NotEqual(
            Hash(WithArguments(new ActionArgument("n", JsonDocument.Parse(a).RootElement)), null),
            Hash(WithArguments(new ActionArgument("n", JsonDocument.Parse(b).RootElement)), null));
        Assert.NotEqual(
            Hash(WithArguments(new ActionArgument("o", JsonDocument.Parse($$"""{"x":[{"n":{{a}}}]}""").RootElement)), null),
            Hash(WithArguments(new ActionArgument("o", JsonDocument.Parse($$"""{"x":[{"n":{{b}}}]}""").RootElement)), null));
    }

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("100", "1e2")]
    [InlineData("15e-1", "1.5")]
    [InlineData("-0.0", "0")]
    [InlineData("-0", "0.0")]
    [InlineData("9007199254740992", "9.007199254740992e15")]
    [InlineData("-9007199254740992", "-90071992547409920e-1")]
    [InlineData("1.0e400", "10e399")]
    public void Equal_json_numbers_hash_alike(string a, string b)
        => Assert.Equal(
            Hash(WithArguments(new ActionArgument("n", JsonDocument.Parse(a).RootElement)), null),
            Hash(WithArguments(new ActionArgument("n", JsonDocument.Parse(b).RootElement)), null));

    [Fact]
    public void Nested_CLR_numbers_beyond_double_precision_hash_differently()
    {
        static string HashOf(object nested) => Hash(WithArguments(new ActionArgument("o", new Dictionary<string, object?> { ["n"] = nested })), null);

        Assert.NotEqual(HashOf(9007199254740993L), HashOf(9007199254740992L));
        Assert.NotEqual(HashOf(0.1000000000000000000000000001m), HashOf(0.1m));
        Assert.Equal(HashOf(1.50m), HashOf(1.5m));
    }

    [Fact]
    public void JSON_number_and_the_same_decimal_argument_hash_alike()
        => Assert.Equal(
            Hash(WithArguments(new ActionArgument("n", JsonDocument.Parse("19.990").RootElement)), null),
            Hash(WithArguments(new ActionArgument("n", 19.99m)), null));

    [Fact]
    public void Nested_object_values_are_canonicalized()
    {
        var value = new Dictionary<string, object?>
        {
            ["zeta"] = new object?[] { 1, "two", null, 2.5 },
            ["alpha"] = new Dictionary<string, int> { ["y"] = 2, ["x"] = 1 },
        };
        var action = WithArguments(new ActionArgument("filter", value));

        string arguments = "{\"filter\":{\"alpha\":{\"x\":1,\"y\":2},\"zeta\":[1,\"two\",null,2.5]}}";
        Assert.Equal(Expected(Document(action, arguments)), Hash(action, null));
    }

    [Fact]
    public void A_custom_record_is_serialized_with_the_configured_options()
    {
        var export = new ExportRequest("eu-west", [new Recipient("Ann", "ann@example.com")], 10_000_000_000_000_000L);
        var action = WithArguments(new ActionArgument("request", export));
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        // Nested numbers follow RFC 8785 (doubles): 1e16 prints as digits below 1e21.
        string withDefaults = "{\"request\":{\"Limit\":10000000000000000,\"Recipients\":[{\"Email\":\"ann@example.com\",\"Name\":\"Ann\"}],\"Region\":\"eu-west\"}}";
        string withSnakeCase = "{\"request\":{\"limit\":10000000000000000,\"recipients\":[{\"email\":\"ann@example.com\",\"name\":\"Ann\"}],\"region\":\"eu-west\"}}";

        Assert.Equal(Expected(Document(action, withDefaults)), Hash(action, null));
        Assert.Equal(Expected(Document(action, withSnakeCase)), new ActionHasher(options).ComputeHash(action, null, Nonce));
    }

    [Fact]
    public void A_source_generated_context_serializes_custom_types()
    {
        var action = WithArguments(new ActionArgument("recipient", new Recipient("Bo", "bo@example.com")));
        var options = new JsonSerializerOptions { TypeInfoResolver = HashingTestJsonContext.Default };

        string arguments = "{\"recipient\":{\"Email\":\"bo@example.com\",\"Name\":\"Bo\"}}";
        Assert.Equal(Expected(Document(action, arguments)), new ActionHasher(options).ComputeHash(action, null, Nonce));
    }

    [Fact]
    public void JsonElement_arguments_are_canonicalized_directly()
    {
        using JsonDocument document = JsonDocument.Parse("{ \"b\": 1.0, \"a\": [ true ] }");
        var action = WithArguments(new ActionArgument("doc", document.RootElement), new ActionArgument("whole", document));

        string arguments = "{\"doc\":{\"a\":[true],\"b\":1},\"whole\":{\"a\":[true],\"b\":1}}";
        Assert.Equal(Expected(Document(action, arguments)), Hash(action, null));
    }

    [Fact]
    public void A_string_with_a_lone_surrogate_is_refused()
        => Assert.Throws<ArgumentException>(() => Hash(WithArguments(new ActionArgument("s", "ok\ud800")), null));

    [Fact]
    public void Strings_are_escaped_canonically_inside_the_hash()
    {
        var action = WithArguments(new ActionArgument("s", "a\"b\\c\u0001\n€😀"));

        Assert.Equal(Expected(Document(action, "{\"s\":\"a\\\"b\\\\c\\u0001\\n€😀\"}")), Hash(action, null));
    }

    [Fact]
    public void Hashing_is_repeatable_and_thread_safe()
    {
        var action = WithArguments(new ActionArgument("text", new string('x', 70_000)), new ActionArgument("n", 5));
        var hasher = new ActionHasher(null);
        string expected = hasher.ComputeHash(action, "prod", Nonce);

        string[] results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = hasher.ComputeHash(action, "prod", Nonce));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    private static GuardedAction WithArguments(params ActionArgument[] arguments)
        => new(ActionKind.DataExport, "Export") { Arguments = arguments };

    private static string Hash(GuardedAction action, string? environment)
        => new ActionHasher(null).ComputeHash(action, environment, Nonce);

    private static string Document(GuardedAction action, string argumentsJson)
        => "{\"arguments\":" + argumentsJson + ",\"destination\":null,\"environment\":null,\"kind\":\"" + action.Kind
            + "\",\"name\":\"" + action.Name + "\",\"nonce\":\"" + NonceText + "\",\"resource\":null}";

    private static string Expected(string canonicalJson)
        => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
}

public sealed record Recipient(string Name, string Email);

public sealed record ExportRequest(string Region, IReadOnlyList<Recipient> Recipients, long Limit);

[JsonSerializable(typeof(Recipient))]
internal sealed partial class HashingTestJsonContext : JsonSerializerContext;
