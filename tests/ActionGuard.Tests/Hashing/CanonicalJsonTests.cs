using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActionGuard.Hashing;

namespace ActionGuard.Tests.Hashing;

public sealed class CanonicalJsonTests
{
    // RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript (canonical) rendering.
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    // More from the same ranges: the 1e21 switch to exponents, small fractions, common decimals.
    [InlineData("4415af1d78b58c3f", "99999999999999980000")]
    [InlineData("4415af1d78b58c40", "100000000000000000000")]
    [InlineData("3fc999999999999a", "0.2")]
    [InlineData("3fd3333333333333", "0.3")]
    [InlineData("3ff199999999999a", "1.1")]
    public void Numbers_match_the_RFC_8785_appendix_B_table(string bits, string expected)
    {
        double value = BitConverter.Int64BitsToDouble(long.Parse(bits, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Equal(expected, WriteNumber(value));
    }

    [Theory]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001234, "0.000001234")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    [InlineData(1.2345678901234568e21, "1.2345678901234568e+21")]
    [InlineData(-42.0, "-42")]
    [InlineData(100.0, "100")]
    [InlineData(0.001, "0.001")]
    public void Numbers_switch_to_exponent_notation_where_ECMAScript_does(double value, string expected)
        => Assert.Equal(expected, WriteNumber(value));

    [Fact]
    public void Random_doubles_round_trip_through_their_canonical_form()
    {
        var random = new Random(8785);
        Span<byte> bits = stackalloc byte[8];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bits);
            double value = BitConverter.ToDouble(bits);
            if (!double.IsFinite(value))
            {
                continue;
            }

            string text = WriteNumber(value);
            Assert.Equal(value == 0 ? 0d : value, double.Parse(text, CultureInfo.InvariantCulture));
            Assert.DoesNotContain("E", text, StringComparison.Ordinal);
            Assert.DoesNotContain("e+0", text, StringComparison.Ordinal);
            Assert.DoesNotContain("e-0", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaN_and_infinity_are_refused(double value)
        => Assert.Throws<ArgumentException>(() => WriteNumber(value));

    [Fact]
    public void RFC_8785_sample_object_canonicalizes_to_the_published_output()
    {
        const string Input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string Expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

        Assert.Equal(Expected, Canonicalize(Input));
    }

    [Fact]
    public void RFC_8785_sample_object_has_the_published_UTF8_bytes()
    {
        const string Input = """{"string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"}""";
        using JsonDocument document = JsonDocument.Parse(Input);

        byte[] bytes = CanonicalJson.Serialize(document.RootElement);

        // '€' is E2 82 AC; U+000F is escaped as lowercase \u000f; '/' is not escaped.
        byte[] expected =
        [
            0x7b, 0x22, 0x73, 0x74, 0x72, 0x69, 0x6e, 0x67, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0xac, 0x24, 0x5c, 0x75, 0x30,
            0x30, 0x30, 0x66, 0x5c, 0x6e, 0x41, 0x27, 0x42, 0x5c, 0x22, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x22, 0x2f, 0x22,
            0x7d,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void RFC_8785_sorting_example_orders_members_by_UTF16_code_units()
    {
        const string Input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        using JsonDocument document = JsonDocument.Parse(Input);

        using JsonDocument canonical = JsonDocument.Parse(CanonicalJson.Serialize(document.RootElement));

        string[] values = [.. canonical.RootElement.EnumerateObject().Select(p => p.Value.GetString()!)];
        Assert.Equal(
            [
                "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
                "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh",
            ],
            values);
    }

    [Fact]
    public void Surrogate_pairs_sort_below_high_BMP_characters_because_order_is_by_code_unit()
    {
        // By code point U+1F600 > U+FB33, but its first UTF-16 unit 0xD83D < 0xFB33.
        Assert.Equal("{\"\ud83d\ude00\":1,\"\ufb33\":2}", Canonicalize("{\"\ufb33\":2,\"\ud83d\ude00\":1}"));
    }

    [Fact]
    public void Nested_members_are_sorted_and_whitespace_is_removed()
    {
        const string Input = """
            { "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { } }
            """;

        Assert.Equal(
            "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}",
            Canonicalize(Input));
    }

    [Theory]
    [InlineData("\"\\u0000\\u001f\\u007f\"", "\"\\u0000\\u001f\u007f\"")]
    [InlineData("\"\\b\\t\\n\\f\\r\"", "\"\\b\\t\\n\\f\\r\"")]
    [InlineData("\"\\u0008\\u0009\\u000A\\u000C\\u000D\\u000B\"", "\"\\b\\t\\n\\f\\r\\u000b\"")]
    [InlineData("\"</script>\\u2028\\u00e9\"", "\"</script>\u2028é\"")]
    [InlineData("\"\\ud83d\\ude02\"", "\"😂\"")]
    public void Strings_escape_only_quote_backslash_and_controls(string input, string expected)
        => Assert.Equal(expected, Canonicalize(input));

    [Fact]
    public void Literals_and_empty_containers_are_written_compactly()
        => Assert.Equal("[true,false,null,[],{},\"\",[[]]]", Canonicalize(" [ true , false , null , [ ] , { } , \"\" , [ [ ] ] ] "));

    [Fact]
    public void Duplicate_property_names_are_refused_with_the_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => Canonicalize("{\"b\":1,\"amount\":2,\"amount\":3}"));
        Assert.Contains("\"amount\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_property_names_are_refused_at_depth()
    {
        var ex = Assert.Throws<ArgumentException>(() => Canonicalize("{\"outer\":[{\"x\":1,\"x\":1}]}"));
        Assert.Contains("\"x\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("[1, 2e999]")]
    public void Numbers_outside_double_range_are_refused(string input)
        => Assert.Throws<ArgumentException>(() => Canonicalize(input));

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\udc00b\"")]
    [InlineData("{\"\\ud83d\":1}")]
    public void Lone_surrogates_are_refused(string input)
        => Assert.Throws<ArgumentException>(() => Canonicalize(input));

    [Fact]
    public void An_undefined_element_is_refused()
        => Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(default));

    [Fact]
    public void Large_integers_are_read_as_doubles_as_RFC_8785_requires()
        => Assert.Equal("[9007199254740992,1e+21,12345678901234567000]", Canonicalize("[9007199254740993, 1000000000000000000000, 12345678901234567890]"));

    [Fact]
    public void Write_appends_the_same_bytes_as_Serialize_to_a_caller_buffer()
    {
        using JsonDocument document = JsonDocument.Parse("{\"z\":[1,{\"b\":null,\"a\":\"é\"}],\"y\":0.5}");
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("prefix:"u8);

        CanonicalJson.Write(document.RootElement, buffer);

        Assert.Equal("prefix:{\"y\":0.5,\"z\":[1,{\"a\":\"é\",\"b\":null}]}", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(buffer.WrittenSpan[7..].ToArray(), CanonicalJson.Serialize(document.RootElement));
    }

    [Fact]
    public void Canonicalization_is_idempotent_on_a_long_mixed_document()
    {
        var builder = new StringBuilder("{");
        for (int i = 0; i < 500; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $"\"k{(i * 7919) % 500}\":[{i}.25,\"v\\u00{i % 32:x2}\\u20ac\",{{\"n\":{i}e-9}}],");
        }

        builder.Append("\"end\":true}");
        string first = Canonicalize(builder.ToString());

        Assert.Equal(first, Canonicalize(first));
        Assert.StartsWith("{\"end\":true,\"k0\":[0.25,\"v\\u0000€\",{\"n\":0}],\"k1\":", first, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_string_is_written_exactly()
    {
        string value = string.Concat(Enumerable.Repeat("ab€😀\"\n", 50_000));
        using JsonDocument document = JsonDocument.Parse(JsonSerializer.Serialize(value));

        using JsonDocument back = JsonDocument.Parse(CanonicalJson.Serialize(document.RootElement));

        Assert.Equal(value, back.RootElement.GetString());
    }

    private static string Canonicalize(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return CanonicalJson.SerializeToString(document.RootElement);
    }

    private static string WriteNumber(double value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new CanonicalJsonWriter(buffer);
        writer.WriteNumber(value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
