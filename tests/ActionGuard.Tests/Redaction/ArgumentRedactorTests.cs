using System.Text.Json;
using ActionGuard.Redaction;

namespace ActionGuard.Tests.Redaction;

public sealed class ArgumentRedactorTests
{
    private const string AwsKey = "AKIAIOSFODNN7EXAMPLE";

    [Fact]
    public void Sensitive_arguments_are_masked_and_never_leave_in_the_JSON()
    {
        const string Secret = "correct-horse-battery-staple";
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        RedactedArguments result = redactor.Redact(
        [
            new("note", "fine"),
            new("value", Secret, IsSensitive: true),
            new("bytes", System.Text.Encoding.UTF8.GetBytes(Secret), IsSensitive: true),
            new("wrapped", new Credentials("ann", Secret), IsSensitive: true),
        ]);

        string json = JsonSerializer.Serialize(result.Arguments);
        Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret)), json, StringComparison.Ordinal);
        Assert.Equal("fine", result.Arguments["note"].GetString());
        Assert.Equal("[sensitive]", result.Arguments["value"].GetString());
        Assert.Equal("[sensitive]", result.Arguments["wrapped"].GetString());
        Assert.Equal(3, result.DataClasses["sensitive"]);
    }

    [Fact]
    public void Arguments_named_like_secrets_are_masked_without_an_attribute()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        RedactedArguments result = redactor.Redact([new("apiKey", "k-123"), new("userPassword", 42), new("region", "eu")]);

        Assert.Equal("[sensitive]", result.Arguments["apiKey"].GetString());
        Assert.Equal("[sensitive]", result.Arguments["userPassword"].GetString());
        Assert.Equal("eu", result.Arguments["region"].GetString());
        Assert.Equal(2, result.DataClasses["sensitive"]);
    }

    [Fact]
    public void Secret_names_are_masked_at_depth_in_records_dictionaries_and_arrays()
    {
        var value = new Deployment(
            "prod",
            new Credentials("deployer", "p@ss-in-record"),
            new Dictionary<string, object?>
            {
                ["DB_PASSWORD"] = "p@ss-in-dictionary",
                ["replicas"] = 3,
                ["nested"] = new Dictionary<string, string> { ["client_secret"] = "p@ss-deep" },
            },
            [new Credentials("a", "p@ss-in-array-1"), new Credentials("b", "p@ss-in-array-2")]);
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        RedactedArguments result = redactor.Redact([new("deployment", value)]);

        string json = JsonSerializer.Serialize(result.Arguments);
        Assert.DoesNotContain("p@ss", json, StringComparison.Ordinal);
        JsonElement deployment = result.Arguments["deployment"];
        Assert.Equal("deployer", deployment.GetProperty("Admin").GetProperty("User").GetString());
        Assert.Equal("[sensitive]", deployment.GetProperty("Admin").GetProperty("Password").GetString());
        Assert.Equal("[sensitive]", deployment.GetProperty("Settings").GetProperty("DB_PASSWORD").GetString());
        Assert.Equal(3, deployment.GetProperty("Settings").GetProperty("replicas").GetInt32());
        Assert.Equal("[sensitive]", deployment.GetProperty("Settings").GetProperty("nested").GetProperty("client_secret").GetString());
        Assert.Equal("[sensitive]", deployment.GetProperty("Users")[1].GetProperty("Password").GetString());
        Assert.Equal(5, result.DataClasses["sensitive"]);
    }

    [Fact]
    public void Secrets_in_text_are_masked_at_depth_and_counted()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);
        var settings = new Dictionary<string, object?>
        {
            ["conn"] = "Server=db;Password=hunter2;",
            ["keys"] = new[] { "id " + AwsKey, "plain" },
        };

        RedactedArguments result = redactor.Redact([new("settings", settings), new("url", new Uri("https://u:pw12345@h.example/x"))]);

        Assert.Equal("Server=db;Password=[redacted:password];", result.Arguments["settings"].GetProperty("conn").GetString());
        Assert.Equal("id [redacted:aws_access_key]", result.Arguments["settings"].GetProperty("keys")[0].GetString());
        Assert.Equal("https://u:[redacted:password]@h.example/x", result.Arguments["url"].GetString());
        Assert.Equal(2, result.DataClasses["secret.password"]);
        Assert.Equal(1, result.DataClasses["secret.aws_access_key"]);
        Assert.False(result.DataClasses.ContainsKey("sensitive"));
    }

    [Fact]
    public void Custom_sensitive_names_are_masked()
    {
        var options = new RedactionOptions();
        options.SensitiveNames.Add("iban");
        var redactor = new ArgumentRedactor(options, null);

        RedactedArguments result = redactor.Redact([new("payeeIban", "DE89370400440532013000"), new("payee", new Payee("Ann", "DE89370400440532013000"))]);

        Assert.DoesNotContain("DE8937", JsonSerializer.Serialize(result.Arguments), StringComparison.Ordinal);
        Assert.Equal(2, result.DataClasses["sensitive"]);
    }

    [Theory]
    [InlineData(10, 10, "0123456789")]
    [InlineData(10, 11, "0123456789…[+1 chars]")]
    [InlineData(10, 1234, "0123456789…[+1224 chars]")]
    [InlineData(0, 5, "…[+5 chars]")]
    public void Long_strings_are_truncated_with_their_remaining_length(int max, int length, string expected)
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxStringLength = max }, null);
        string text = string.Concat(Enumerable.Range(0, length).Select(i => (char)('0' + (i % 10))));

        RedactedArguments result = redactor.Redact([new("text", text)]);

        Assert.Equal(expected, result.Arguments["text"].GetString());
    }

    [Fact]
    public void Secrets_are_masked_before_truncation_so_none_is_cut_in_half()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxStringLength = 16 }, null);

        RedactedArguments result = redactor.Redact([new("text", "0123456789ab " + AwsKey + " and more text")]);

        Assert.Equal("0123456789ab [re…[+36 chars]", result.Arguments["text"].GetString());
        Assert.DoesNotContain("AKIA", result.Arguments["text"].GetString(), StringComparison.Ordinal);
        Assert.Equal(1, result.DataClasses["secret.aws_access_key"]);
    }

    [Fact]
    public void Truncation_never_splits_a_surrogate_pair()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxStringLength = 4 }, null);

        RedactedArguments result = redactor.Redact([new("text", "abc😀def"), new("accents", "ÉéÈè€")]);

        // Cut before the emoji rather than through it; the count is in UTF-16 code units, like MaxStringLength.
        Assert.Equal("abc…[+5 chars]", result.Arguments["text"].GetString());
        Assert.Equal("ÉéÈè…[+1 chars]", result.Arguments["accents"].GetString());
    }

    [Fact]
    public void Unicode_text_passes_through_unchanged()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);
        const string Text = "Ünïcødé “quotes” \u2028 日本語 😀 \u0001 \"escaped\" \\";

        RedactedArguments result = redactor.Redact([new("text", Text), new("c", 'é')]);

        Assert.Equal(Text, result.Arguments["text"].GetString());
        Assert.Equal("é", result.Arguments["c"].GetString());
    }

    [Fact]
    public void Long_binary_is_shown_as_truncated_base64()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxStringLength = 8 }, null);

        RedactedArguments result = redactor.Redact([new("small", new byte[] { 1, 2, 3 }), new("large", new byte[30])]);

        Assert.Equal("AQID", result.Arguments["small"].GetString());
        Assert.Equal("AAAAAAAA…[+32 chars]", result.Arguments["large"].GetString());
    }

    [Fact]
    public void Arrays_keep_the_configured_number_of_items_and_count_the_rest()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxCollectionItems = 3 }, null);

        RedactedArguments result = redactor.Redact([new("ids", Enumerable.Range(1, 10).ToArray()), new("few", new[] { 1, 2, 3 })]);

        Assert.Equal("[1,2,3,\"[+7 more items]\"]", result.Arguments["ids"].GetRawText());
        Assert.Equal("[1,2,3]", result.Arguments["few"].GetRawText());
    }

    [Fact]
    public void Objects_keep_the_configured_number_of_members_and_count_the_rest()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxCollectionItems = 2 }, null);
        var map = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 3, ["d"] = 4 };

        RedactedArguments result = redactor.Redact([new("map", map)]);

        Assert.Equal("{\"a\":1,\"b\":2,\"…\":\"[+2 more items]\"}", result.Arguments["map"].GetRawText());
    }

    [Fact]
    public void Nesting_deeper_than_MaxDepth_is_replaced_by_a_marker()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxDepth = 2 }, null);
        var value = new Dictionary<string, object>
        {
            ["level2"] = new Dictionary<string, object> { ["level3"] = new Dictionary<string, int> { ["x"] = 1 }, ["n"] = 5 },
            ["list"] = new[] { new[] { 1 } },
        };

        RedactedArguments result = redactor.Redact([new("value", value), new("flat", new[] { 1, 2 })]);

        Assert.Equal("{\"level2\":{\"level3\":\"[max depth]\",\"n\":5},\"list\":[\"[max depth]\"]}", result.Arguments["value"].GetRawText());
        Assert.Equal("[1,2]", result.Arguments["flat"].GetRawText());
    }

    [Fact]
    public void MaxDepth_zero_hides_every_container()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxDepth = 0 }, null);

        RedactedArguments result = redactor.Redact([new("list", new[] { 1 }), new("n", 1)]);

        Assert.Equal("[max depth]", result.Arguments["list"].GetString());
        Assert.Equal(1, result.Arguments["n"].GetInt32());
    }

    [Fact]
    public void Scalars_keep_their_values_and_large_nested_numbers_keep_their_digits()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);
        var id = Guid.NewGuid();

        RedactedArguments result = redactor.Redact(
        [
            new("count", 1204),
            new("ratio", 0.25),
            new("ok", true),
            new("none", null),
            new("id", id),
            new("day", DayOfWeek.Monday),
            new("nested", new Holder(9007199254740993L)),
        ]);

        Assert.Equal(1204, result.Arguments["count"].GetInt32());
        Assert.Equal(0.25, result.Arguments["ratio"].GetDouble());
        Assert.True(result.Arguments["ok"].GetBoolean());
        Assert.Equal(JsonValueKind.Null, result.Arguments["none"].ValueKind);
        Assert.Equal(id, result.Arguments["id"].GetGuid());
        Assert.Equal("Monday", result.Arguments["day"].GetString());
        Assert.Equal(9007199254740993L, result.Arguments["nested"].GetProperty("Id").GetInt64());
        Assert.Same(RedactedArguments.NoDataClasses, result.DataClasses);
    }

    [Fact]
    public void Argument_serializer_options_are_used_for_custom_types()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        var redactor = new ArgumentRedactor(new RedactionOptions(), options);

        RedactedArguments result = redactor.Redact([new("admin", new Credentials("ann", "pw-value-1"))]);

        Assert.Equal("{\"user\":\"ann\",\"password\":\"[sensitive]\"}", result.Arguments["admin"].GetRawText());
    }

    [Fact]
    public void Redacted_arguments_read_like_a_dictionary_in_argument_order()
    {
        RedactedArguments result = new ArgumentRedactor(new RedactionOptions(), null).Redact([new("z", 1), new("a", 2), new("m", 3)]);

        Assert.Equal(["z", "a", "m"], result.Arguments.Keys);
        Assert.Equal([1, 2, 3], result.Arguments.Values.Select(v => v.GetInt32()));
        Assert.Equal(["z", "a", "m"], result.Arguments.Select(p => p.Key));
        Assert.Equal(3, result.Arguments.Count);
        Assert.True(result.Arguments.ContainsKey("a"));
        Assert.False(result.Arguments.ContainsKey("A"));
        Assert.False(result.Arguments.TryGetValue("missing", out _));
        Assert.Throws<KeyNotFoundException>(() => result.Arguments["missing"]);
    }

    [Fact]
    public void Duplicates_are_found_among_many_arguments()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);
        ActionArgument[] arguments = [.. Enumerable.Range(0, 20).Select(i => new ActionArgument("p" + i, i)), new("p7", 0)];

        var ex = Assert.Throws<ArgumentException>(() => redactor.Redact(arguments));
        Assert.Contains("\"p7\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_MaxDepth_beyond_the_JSON_reader_default_is_honoured()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxDepth = 100 }, null);
        string deep = string.Concat(Enumerable.Repeat("[", 90)) + "1" + string.Concat(Enumerable.Repeat("]", 90));
        using var document = JsonDocument.Parse(deep, new JsonDocumentOptions { MaxDepth = 128 });

        RedactedArguments result = redactor.Redact([new("deep", document.RootElement)]);

        Assert.Equal(document.RootElement.GetRawText(), result.Arguments["deep"].GetRawText());
    }

    [Fact]
    public void An_argument_without_a_name_is_refused()
        => Assert.Throws<ArgumentException>(() => new ArgumentRedactor(new RedactionOptions(), null).Redact([default]));

    [Fact]
    public void Empty_arguments_give_empty_results()
    {
        RedactedArguments result = new ArgumentRedactor(new RedactionOptions(), null).Redact([]);

        Assert.Empty(result.Arguments);
        Assert.Empty(result.DataClasses);
    }

    [Fact]
    public void Duplicate_argument_names_are_refused()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        var ex = Assert.Throws<ArgumentException>(() => redactor.Redact([new("to", "a"), new("to", "b")]));
        Assert.Contains("\"to\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redacted_values_outlive_the_call_and_are_independent()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);
        RedactedArguments first = redactor.Redact([new("text", "first value")]);

        RedactedArguments second = redactor.Redact([new("text", "second value")]);

        Assert.Equal("first value", first.Arguments["text"].GetString());
        Assert.Equal("second value", second.Arguments["text"].GetString());
    }

    [Fact]
    public void RedactText_masks_secrets_in_exception_messages()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        string text = redactor.RedactText($"Login failed for postgres://app:s3cr3t@db:5432 using key {AwsKey}.");

        Assert.Equal("Login failed for postgres://app:[redacted:password]@db:5432 using key [redacted:aws_access_key].", text);
    }

    [Fact]
    public void RedactText_returns_clean_short_text_as_is_and_cuts_long_text()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions { MaxStringLength = 10 }, null);
        const string Clean = "Timeout after 30 seconds";

        Assert.Same(Clean, redactor.RedactText(Clean));
        string cut = redactor.RedactText(new string('x', 5000));
        Assert.Equal(new string('x', 1024) + "…[+3976 chars]", cut);
    }

    [Fact]
    public void A_megabyte_argument_full_of_near_secrets_is_redacted()
    {
        string text = string.Concat(Enumerable.Repeat("eyJhbGciOi.Password=\"://a:AKIA-----BEGIN PRIVATE KEY-----", 20_000));
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        RedactedArguments result = redactor.Redact([new("text", text)]);

        string shown = result.Arguments["text"].GetString()!;
        Assert.True(shown.Length < 300, shown);
        Assert.Contains("…[+", shown, StringComparison.Ordinal);
    }

    public sealed record Credentials(string User, string Password);

    public sealed record Deployment(string Environment, Credentials Admin, Dictionary<string, object?> Settings, Credentials[] Users);

    public sealed record Payee(string Name, string Iban);

    public sealed record Holder(long Id);
}
