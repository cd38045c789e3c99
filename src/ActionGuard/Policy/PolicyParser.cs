using System.Globalization;
using System.Text.Json;

namespace ActionGuard.Policy;

/// <summary>
/// Reads <c>{"rules":[...]}</c> with <see cref="Utf8JsonReader"/> (no reflection, trimming- and AOT-safe), so every
/// problem is reported at its line and column. Strict: unknown fields, wrong types and duplicates are errors.
/// </summary>
internal ref struct PolicyParser
{
    private const string DocumentFields = "$schema, version, rules";

    private readonly ReadOnlySpan<byte> _json;
    private readonly string? _source;
    private Utf8JsonReader _reader;

    private PolicyParser(ReadOnlySpan<byte> json, string? source)
    {
        _json = json;
        _source = source;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 32 });
    }

    public static PolicyDocument Parse(ReadOnlySpan<byte> json, string? source)
    {
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        var parser = new PolicyParser(json, source);
        try
        {
            return parser.ParseDocument();
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            throw new PolicyLoadException(source, line, column, "invalid JSON: " + (cut > 0 ? message[..cut] : message), ex);
        }
    }

    private PolicyDocument ParseDocument()
    {
        if (!_reader.Read())
        {
            throw new PolicyLoadException(_source, 1, 1, "the file is empty; expected {\"rules\": [...]}");
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail("the policy must be a JSON object {\"rules\": [...]}, not " + Describe(_reader.TokenType));
        }

        List<PolicyRule>? rules = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Next() != JsonTokenType.EndObject)
        {
            var field = _reader.GetString()!;
            var fieldAt = _reader.TokenStartIndex;
            if (!seen.Add(field))
            {
                throw Fail(fieldAt, $"field '{field}' appears twice");
            }

            Next();
            switch (field)
            {
                case "$schema":
                    ReadString(field);
                    break;
                case "version":
                    if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt32(out var version) || version != 1)
                    {
                        throw Fail("'version' must be the number 1");
                    }

                    break;
                case "rules":
                    rules = ParseRules();
                    break;
                default:
                    throw Fail(fieldAt, $"unknown field '{field}' (expected one of: {DocumentFields})");
            }
        }

        if (rules is null)
        {
            throw new PolicyLoadException(_source, 1, 1, "the policy has no 'rules' array");
        }

        if (_reader.Read())
        {
            throw Fail("unexpected content after the policy object");
        }

        return new PolicyDocument(rules, _source);
    }

    private List<PolicyRule> ParseRules()
    {
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail("'rules' must be an array, not " + Describe(_reader.TokenType));
        }

        var rules = new List<PolicyRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (Next() != JsonTokenType.EndArray)
        {
            rules.Add(ParseRule(rules.Count, names));
        }

        return rules;
    }

    private PolicyRule ParseRule(int index, HashSet<string> names)
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail($"rule {index} must be an object, not " + Describe(_reader.TokenType));
        }

        var ruleAt = _reader.TokenStartIndex;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? name = null, description = null, message = null;
        PolicyEffect? effect = null;
        int? minApprovals = null;
        long approvalFieldAt = -1;
        string? approvalField = null;
        List<string>? groups = null;
        TimeSpan? ttl = null;
        PolicyGlob? kind = null, actionName = null, resource = null, destination = null, environment = null, agent = null, initiator = null;
        List<PolicyThreshold>? dataClasses = null, arguments = null;

        while (Next() != JsonTokenType.EndObject)
        {
            var field = _reader.GetString()!;
            var fieldAt = _reader.TokenStartIndex;
            if (!seen.Add(field))
            {
                throw Fail(fieldAt, $"field '{field}' appears twice in rule {index}");
            }

            Next();
            switch (field)
            {
                case "name":
                    name = ReadString(field);
                    if (string.IsNullOrWhiteSpace(name))
                    {
                        throw Fail("'name' must not be empty");
                    }

                    if (!names.Add(name))
                    {
                        throw Fail($"the name '{name}' is used by another rule");
                    }

                    break;
                case "description":
                    description = ReadString(field);
                    break;
                case "message":
                    message = ReadString(field);
                    break;
                case "effect":
                    var text = ReadString(field);
                    effect = text switch
                    {
                        "allow" => PolicyEffect.Allow,
                        "deny" => PolicyEffect.Deny,
                        "require_approval" => PolicyEffect.RequireApproval,
                        _ => throw Fail($"unknown effect '{text}' (expected allow, deny or require_approval)"),
                    };
                    break;
                case "minApprovals":
                    if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt32(out var count))
                    {
                        throw Fail("'minApprovals' must be a whole number, not " + Describe(_reader.TokenType));
                    }

                    if (count < 1)
                    {
                        throw Fail($"'minApprovals' must be at least 1 (was {count.ToString(CultureInfo.InvariantCulture)})");
                    }

                    minApprovals = count;
                    (approvalField, approvalFieldAt) = (field, fieldAt);
                    break;
                case "approverGroups":
                    groups = ReadStringArray(field);
                    (approvalField, approvalFieldAt) = (field, fieldAt);
                    break;
                case "ttl":
                    var ttlText = ReadString(field);
                    if (!TimeSpan.TryParseExact(ttlText, "c", CultureInfo.InvariantCulture, out var parsed) || parsed <= TimeSpan.Zero)
                    {
                        throw Fail($"'ttl' must be a positive time span like \"00:30:00\" or \"1.00:00:00\", not '{ttlText}'");
                    }

                    ttl = parsed;
                    (approvalField, approvalFieldAt) = (field, fieldAt);
                    break;
                case "kind":
                    kind = ReadGlob(field);
                    break;
                case "actionName":
                    actionName = ReadGlob(field);
                    break;
                case "resource":
                    resource = ReadGlob(field);
                    break;
                case "destination":
                    destination = ReadGlob(field);
                    break;
                case "environment":
                    environment = ReadGlob(field);
                    break;
                case "agent":
                    agent = ReadGlob(field);
                    break;
                case "initiator":
                    initiator = ReadGlob(field);
                    break;
                case "dataClasses":
                    dataClasses = ReadThresholds(field);
                    break;
                case "arguments":
                    arguments = ReadThresholds(field);
                    break;
                default:
                    throw Fail(fieldAt, $"unknown field '{field}' in rule {index} (expected one of: {PolicyFactFields.RuleFieldNames})");
            }
        }

        if (name is null)
        {
            throw Fail(ruleAt, $"rule {index} has no 'name'");
        }

        if (effect is null)
        {
            throw Fail(ruleAt, $"rule '{name}' has no 'effect' (allow, deny or require_approval)");
        }

        if (effect != PolicyEffect.RequireApproval && approvalField is not null)
        {
            throw Fail(approvalFieldAt, $"'{approvalField}' applies only to effect 'require_approval', and rule '{name}' has effect '{(effect == PolicyEffect.Allow ? "allow" : "deny")}'");
        }

        return new PolicyRule
        {
            Name = name,
            Description = description,
            Effect = effect.Value,
            Message = message,
            MinApprovals = minApprovals ?? 1,
            ApproverGroups = groups ?? [],
            Ttl = ttl,
            Kind = kind,
            ActionName = actionName,
            Resource = resource,
            Destination = destination,
            Environment = environment,
            Agent = agent,
            Initiator = initiator,
            DataClasses = dataClasses ?? [],
            Arguments = arguments ?? [],
        };
    }

    private string ReadString(string field)
    {
        if (_reader.TokenType != JsonTokenType.String)
        {
            throw Fail($"'{field}' must be a string, not " + Describe(_reader.TokenType));
        }

        return _reader.GetString()!;
    }

    private PolicyGlob ReadGlob(string field)
    {
        var pattern = ReadString(field);
        return PolicyGlob.TryParse(pattern, out var glob, out var error) ? glob : throw Fail($"'{field}': bad {error}");
    }

    private List<string> ReadStringArray(string field)
    {
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail($"'{field}' must be an array of strings, not " + Describe(_reader.TokenType));
        }

        var values = new List<string>();
        while (Next() != JsonTokenType.EndArray)
        {
            var value = ReadString(field + " item");
            if (string.IsNullOrWhiteSpace(value))
            {
                throw Fail($"'{field}' must not contain empty names");
            }

            values.Add(value);
        }

        return values;
    }

    private List<PolicyThreshold> ReadThresholds(string field)
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail($"'{field}' must be an object like {{\"{(field == "arguments" ? "rows" : "email")}\": \"> 1000\"}}, not " + Describe(_reader.TokenType));
        }

        var thresholds = new List<PolicyThreshold>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Next() != JsonTokenType.EndObject)
        {
            var key = _reader.GetString()!;
            var keyAt = _reader.TokenStartIndex;
            if (key.Length == 0 || !seen.Add(key))
            {
                throw Fail(keyAt, key.Length == 0 ? $"'{field}' has an empty name" : $"'{field}.{key}' appears twice");
            }

            Next();
            if (_reader.TokenType != JsonTokenType.String)
            {
                throw Fail($"'{field}.{key}' must be a threshold string like \"> 10000\", not " + Describe(_reader.TokenType));
            }

            var expression = _reader.GetString()!;
            thresholds.Add(PolicyThreshold.TryParse(key, expression, out var threshold, out var error) ? threshold : throw Fail($"'{field}.{key}': {error}"));
        }

        return thresholds;
    }

    private JsonTokenType Next()
    {
        // The reader validates the structure as it goes, so a syntax error surfaces here as a JsonException.
        _reader.Read();
        return _reader.TokenType;
    }

    private readonly PolicyLoadException Fail(string problem) => Fail(_reader.TokenStartIndex, problem);

    private readonly PolicyLoadException Fail(long offset, string problem)
    {
        var before = _json[..(int)Math.Min(offset, _json.Length)];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var line = before.Count((byte)'\n') + 1;
        var column = 1;
        foreach (var b in before[lineStart..])
        {
            // Count characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start one.
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return new PolicyLoadException(_source, line, column, problem);
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
