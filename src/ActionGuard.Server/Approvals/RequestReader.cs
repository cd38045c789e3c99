using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActionGuard.Client;
using ActionGuard.Hashing;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// Reads request bodies by hand so that every missing or invalid field is reported by its path (<c>action.kind</c>,
/// <c>arguments.query</c>) and every limit is enforced before anything is stored. Unknown fields are ignored.
/// </summary>
internal sealed partial class RequestReader
{
    private const int MaxTokenLength = 16 * 1024;
    private const int MaxSamplesPerClass = 5;
    private const int MaxSampleLength = 128;

    private readonly ServerLimitsOptions _limits;

    public RequestReader(ServerLimitsOptions limits)
    {
        _limits = limits;
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex HashPattern();

    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, out ApiProblem? problem)
    {
        problem = null;
        try
        {
            var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                problem = ApiProblem.Validation("body", "The body must be a JSON object.");
                return null;
            }

            var errors = new Errors();
            JsonBodyCheck.Check(document.RootElement, errors);
            if (errors.Count > 0)
            {
                document.Dispose();
                problem = errors.ToProblem();
                return null;
            }

            return document;
        }
        catch (JsonException ex)
        {
            problem = ApiProblem.Validation("body", "The body is not valid JSON: " + ex.Message);
            return null;
        }
    }

    /// <summary>Checks the create request's <c>Idempotency-Key</c> header.</summary>
    public static void CheckIdempotencyKey(string? idempotencyKey, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            errors.Add("Idempotency-Key", "The Idempotency-Key header is required.");
        }
        else if (idempotencyKey.Length > 256)
        {
            errors.Add("Idempotency-Key", "The Idempotency-Key header may be at most 256 characters long.");
        }
    }

    public CreateCommand? ReadCreate(JsonElement root, Errors errors)
    {
        ApprovalAction? action = null;
        if (!root.TryGetProperty("action", out var actionElement) || actionElement.ValueKind == JsonValueKind.Null)
        {
            errors.Add("action", "The action is required.");
        }
        else if (actionElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add("action", "The action must be an object.");
        }
        else
        {
            var kind = RequiredString(actionElement, "kind", "action.kind", errors);
            if (kind is not null && !ActionKind.IsValidName(kind))
            {
                errors.Add("action.kind", "The kind must match " + ActionKind.NamePattern + ".");
            }

            var name = RequiredString(actionElement, "name", "action.name", errors);
            var resource = OptionalString(actionElement, "resource", "action.resource", errors);
            var destination = OptionalString(actionElement, "destination", "action.destination", errors);
            var environment = OptionalString(actionElement, "environment", "action.environment", errors);
            if (kind is not null && name is not null)
            {
                action = new ApprovalAction { Kind = kind, Name = name, Resource = resource, Destination = destination, Environment = environment };
            }
        }

        ApprovalParty? initiator = null;
        string? initiatorToken = null;
        if (root.TryGetProperty("initiator", out var initiatorElement) && initiatorElement.ValueKind != JsonValueKind.Null)
        {
            if (initiatorElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("initiator", "The initiator must be an object.");
            }
            else
            {
                var subject = RequiredString(initiatorElement, "subject", "initiator.subject", errors);
                var issuer = OptionalString(initiatorElement, "issuer", "initiator.issuer", errors);
                var name = OptionalString(initiatorElement, "name", "initiator.name", errors);
                var email = OptionalString(initiatorElement, "email", "initiator.email", errors);
                initiatorToken = OptionalString(initiatorElement, "token", "initiator.token", errors, MaxTokenLength);
                if (subject is not null)
                {
                    initiator = new ApprovalParty { Subject = subject, Issuer = issuer, Name = name, Email = email };
                }
            }
        }

        var arguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("arguments", out var argumentsElement) && argumentsElement.ValueKind != JsonValueKind.Null)
        {
            if (argumentsElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("arguments", "The arguments must be an object.");
            }
            else
            {
                foreach (var argument in argumentsElement.EnumerateObject())
                {
                    if (arguments.Count == _limits.MaxArguments)
                    {
                        errors.Add("arguments", $"At most {_limits.MaxArguments} arguments are accepted.");
                        break;
                    }

                    var field = "arguments." + argument.Name;
                    if (argument.Name.Length == 0 || argument.Name.Length > _limits.MaxFieldLength)
                    {
                        errors.Add("arguments", $"Argument names must be 1 to {_limits.MaxFieldLength} characters long.");
                        continue;
                    }

                    if (!arguments.TryAdd(argument.Name, argument.Value.Clone()))
                    {
                        errors.Add(field, "The argument is given twice.");
                        continue;
                    }

                    CheckValue(argument.Value, field, 1, errors);
                }
            }
        }

        var dataClasses = new Dictionary<string, long>(StringComparer.Ordinal);
        if (root.TryGetProperty("dataClasses", out var classesElement) && classesElement.ValueKind != JsonValueKind.Null)
        {
            if (classesElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("dataClasses", "The data classes must be an object of counts.");
            }
            else
            {
                foreach (var item in classesElement.EnumerateObject())
                {
                    if (dataClasses.Count == _limits.MaxArguments * 4)
                    {
                        errors.Add("dataClasses", "Too many data classes.");
                        break;
                    }

                    if (item.Name.Length > _limits.MaxFieldLength || item.Value.ValueKind != JsonValueKind.Number || !item.Value.TryGetInt64(out var count) || count < 0)
                    {
                        errors.Add("dataClasses." + item.Name, "A data class needs a name and a non-negative whole count.");
                        continue;
                    }

                    dataClasses[item.Name] = count;
                }
            }
        }

        var dataSamples = ReadDataSamples(root, errors);
        var justification = OptionalString(root, "justification", "justification", errors, _limits.MaxStringLength);
        var actionHash = RequiredString(root, "actionHash", "actionHash", errors);
        var claimIfAllowed = false;
        if (root.TryGetProperty("claimIfAllowed", out var claimElement))
        {
            switch (claimElement.ValueKind)
            {
                case JsonValueKind.True:
                    claimIfAllowed = true;
                    break;
                case JsonValueKind.False or JsonValueKind.Null:
                    break;
                default:
                    errors.Add("claimIfAllowed", "claimIfAllowed must be true or false.");
                    break;
            }
        }

        if (actionHash is not null && !HashPattern().IsMatch(actionHash))
        {
            errors.Add("actionHash", "The action hash must be 'sha256:' and 64 lowercase hex digits.");
        }

        if (errors.Count > 0 || action is null || actionHash is null)
        {
            return null;
        }

        // Also the decision token's ag_request: the agent checks it against the request it sent, so nothing the
        // reviewer saw or policy matched can have been changed on the way.
        var requestHash = RequestDigest.Compute(root);
        return new CreateCommand(action, initiator, initiatorToken, arguments, dataClasses, dataSamples, justification, actionHash, requestHash)
        {
            ClaimIfAllowed = claimIfAllowed,
        };
    }

    // Masked examples for the reviewer ("j***@example.com"): a handful per class, short, plain strings.
    private Dictionary<string, IReadOnlyList<string>> ReadDataSamples(JsonElement root, Errors errors)
    {
        var samples = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!root.TryGetProperty("dataSamples", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return samples;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("dataSamples", "The data samples must be an object of string arrays.");
            return samples;
        }

        foreach (var item in element.EnumerateObject())
        {
            var field = "dataSamples." + item.Name;
            if (samples.Count == _limits.MaxArguments * 4)
            {
                errors.Add("dataSamples", "Too many data classes.");
                break;
            }

            if (item.Name.Length > _limits.MaxFieldLength || item.Value.ValueKind != JsonValueKind.Array)
            {
                errors.Add(field, "A data class needs a name and an array of masked sample strings.");
                continue;
            }

            // Samples only illustrate the counts: extra or long ones are cut, not refused, so a generous SDK setting
            // never turns into a failed (and so denied) action.
            var values = new List<string>(Math.Min(item.Value.GetArrayLength(), MaxSamplesPerClass));
            var index = 0;
            foreach (var value in item.Value.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{field}[{index}]"), "A sample must be a string.");
                }
                else if (values.Count < MaxSamplesPerClass)
                {
                    var text = value.GetString()!;
                    values.Add(text.Length <= MaxSampleLength ? text : string.Concat(text.AsSpan(0, MaxSampleLength - 1), "…"));
                }

                index++;
            }

            samples[item.Name] = values;
        }

        return samples;
    }

    public (ApprovalVerdict Verdict, string? Reason)? ReadDecision(JsonElement root, Errors errors)
    {
        var verdictText = RequiredString(root, "verdict", "verdict", errors);
        var reason = OptionalString(root, "reason", "reason", errors, _limits.MaxStringLength);
        ApprovalVerdict? verdict = verdictText switch
        {
            null => null,
            "approve" => ApprovalVerdict.Approve,
            "deny" => ApprovalVerdict.Deny,
            _ => null,
        };
        if (verdictText is not null && verdict is null)
        {
            errors.Add("verdict", "The verdict must be 'approve' or 'deny'.");
        }

        if (verdict == ApprovalVerdict.Deny && string.IsNullOrWhiteSpace(reason))
        {
            errors.Add("reason", "A reason is required to deny.");
        }

        return errors.Count > 0 || verdict is null ? null : (verdict.Value, string.IsNullOrWhiteSpace(reason) ? null : reason);
    }

    public (OutcomeStatus Status, string? Error)? ReadOutcome(JsonElement root, Errors errors) => ReadOutcome(root, string.Empty, errors);

    /// <summary>
    /// Reads the body of <c>POST /v1/outcomes</c>: <c>outcomes</c>, 1 to <see cref="OutcomeReport.MaxPerRequest"/> items,
    /// each an approval ID with the fields of a single outcome report; errors name the item (<c>outcomes[2].status</c>).
    /// </summary>
    public List<OutcomeItem>? ReadOutcomes(JsonElement root, Errors errors)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("outcomes", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add("outcomes", "An array of outcomes is required.");
            return null;
        }

        var count = list.GetArrayLength();
        if (count is 0 or > OutcomeReport.MaxPerRequest)
        {
            errors.Add("outcomes", $"A report carries from 1 to {OutcomeReport.MaxPerRequest} outcomes.");
            return null;
        }

        var items = new List<OutcomeItem>(count);
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            var prefix = "outcomes[" + index.ToString(CultureInfo.InvariantCulture) + "].";
            index++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(prefix[..^1], "Each outcome is an object.");
                continue;
            }

            var id = RequiredString(element, "approvalId", prefix + "approvalId", errors);
            if (ReadOutcome(element, prefix, errors) is { } outcome && id is not null)
            {
                items.Add(new OutcomeItem(id, outcome.Status, outcome.Error));
            }
        }

        return errors.Count > 0 ? null : items;
    }

    private (OutcomeStatus Status, string? Error)? ReadOutcome(JsonElement root, string prefix, Errors errors)
    {
        var statusText = RequiredString(root, "status", prefix + "status", errors);
        var error = OptionalString(root, "error", prefix + "error", errors, _limits.MaxStringLength);
        OutcomeStatus? status = statusText switch
        {
            null => null,
            "succeeded" => OutcomeStatus.Succeeded,
            "failed" => OutcomeStatus.Failed,
            _ => null,
        };
        if (statusText is not null && status is null)
        {
            errors.Add(prefix + "status", "The status must be 'succeeded' or 'failed'.");
        }

        return errors.Count > 0 || status is null ? null : (status.Value, error);
    }

    private void CheckValue(JsonElement value, string field, int depth, Errors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                if (value.GetString()!.Length > _limits.MaxStringLength)
                {
                    errors.Add(field, $"Strings in arguments may be at most {_limits.MaxStringLength} characters long.");
                }

                break;
            case JsonValueKind.Object or JsonValueKind.Array when depth >= _limits.MaxDepth:
                errors.Add(field, $"Argument values may nest at most {_limits.MaxDepth} levels deep.");
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name.Length > _limits.MaxStringLength)
                    {
                        errors.Add(field, $"Property names in arguments may be at most {_limits.MaxStringLength} characters long.");
                        return;
                    }

                    CheckValue(property.Value, field, depth + 1, errors);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    CheckValue(item, field, depth + 1, errors);
                }

                break;
        }
    }

    private string? RequiredString(JsonElement parent, string name, string field, Errors errors)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, "The field is required.");
            return null;
        }

        var text = StringValue(value, field, errors, _limits.MaxFieldLength);
        if (text is { Length: 0 } || (text is not null && string.IsNullOrWhiteSpace(text)))
        {
            errors.Add(field, "The field must not be empty.");
            return null;
        }

        return text;
    }

    private string? OptionalString(JsonElement parent, string name, string field, Errors errors, int? maxLength = null) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? StringValue(value, field, errors, maxLength ?? _limits.MaxFieldLength)
            : null;

    private static string? StringValue(JsonElement value, string field, Errors errors, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "The field must be a string.");
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            errors.Add(field, $"The field may be at most {maxLength} characters long.");
            return null;
        }

        return text;
    }
}
