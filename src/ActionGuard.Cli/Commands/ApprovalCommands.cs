using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ActionGuard.Cli.Backend;

namespace ActionGuard.Cli.Commands;

/// <summary><c>approvals list</c>, <c>approvals show ID</c>, <c>approve ID</c> and <c>deny ID</c>: what an approver does.</summary>
internal static class ApprovalCommands
{
    private static readonly string[] Header = ["ID", "STATUS", "KIND", "NAME", "RESOURCE", "DESTINATION", "AGENT", "INITIATOR", "APPROVALS", "EXPIRES"];

    private static readonly string[] Statuses = ["pending", "approved", "executing", "succeeded", "failed", "denied", "expired", "cancelled", "all"];

    public static Command CreateList(CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var status = new Option<string>("--status") { Description = "Only approvals with this status ('all' for every status).", DefaultValueFactory = _ => "pending" };
        status.AcceptOnlyFromAmong(Statuses);
        var limit = new Option<int>("--limit") { Description = "At most this many approvals, newest first.", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });
        var format = new Option<string>("--format") { Description = "table, or jsonl (one approval as JSON per line).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "jsonl");

        var list = new Command("list", "List approval requests, newest first.");
        list.Options.Add(status);
        list.Options.Add(limit);
        list.Options.Add(format);
        connection.AddTo(list);
        list.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            var wanted = parse.GetValue(status)!;
            var max = parse.GetValue(limit);
            var items = new List<JsonElement>();
            var documents = new List<JsonDocument>();
            try
            {
                string? cursor = null;
                do
                {
                    var page = await client.ListApprovalsAsync(Math.Min(max - items.Count, 100), wanted == "all" ? null : wanted, cursor, cancellationToken).ConfigureAwait(false);
                    documents.Add(page);
                    if (page.RootElement.TryGetProperty("items", out var pageItems) && pageItems.ValueKind == JsonValueKind.Array)
                    {
                        items.AddRange(pageItems.EnumerateArray().Take(max - items.Count));
                    }

                    cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                }
                while (cursor is not null && items.Count < max);

                if (parse.GetValue(format) == "jsonl")
                {
                    foreach (var item in items)
                    {
                        await environment.Out.WriteLineAsync(Json.Compact(item)).ConfigureAwait(false);
                    }
                }
                else
                {
                    await WriteTableAsync(environment.Out, items, wanted).ConfigureAwait(false);
                }
            }
            finally
            {
                documents.ForEach(d => d.Dispose());
            }

            return ExitCodes.Ok;
        });

        var approvals = new Command("approvals", "Approval requests.");
        approvals.Subcommands.Add(list);
        approvals.Subcommands.Add(CreateShow(environment));
        return approvals;
    }

    private static Command CreateShow(CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var id = new Argument<string>("id") { Description = "The approval id (from 'actionguard approvals list')." };
        var format = new Option<string>("--format") { Description = "text, or json (the approval as the server sends it).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var show = new Command("show", "Show one request with everything a reviewer decides on: action, resource, destination, arguments, data classes, justification, decisions.");
        show.Arguments.Add(id);
        show.Options.Add(format);
        connection.AddTo(show);
        show.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            using var reply = await client.GetApprovalAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            var approval = reply.RootElement;
            if (parse.GetValue(format) == "json")
            {
                await environment.Out.WriteLineAsync(Json.Compact(approval)).ConfigureAwait(false);
            }
            else
            {
                await environment.Out.WriteAsync(Describe(approval)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return show;
    }

    // The reviewer's view as text: every field the decision is made on, values as the server sent them.
    private static string Describe(JsonElement approval)
    {
        var text = new System.Text.StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        approval.TryGetProperty("action", out var action);
        text.Append(culture, $"Approval {Json.String(approval, "id")}: {Json.String(approval, "status")}, expires {Json.String(approval, "expiresAt") ?? "-"}\n");
        Line("action", $"{Json.String(action, "kind")} {Json.String(action, "name")}");
        Line("resource", Json.String(action, "resource"));
        Line("destination", Json.String(action, "destination"));
        Line("environment", Json.String(action, "environment"));
        Line("agent", Json.String(approval, "agentId"));
        if (approval.TryGetProperty("initiator", out var initiator) && initiator.ValueKind == JsonValueKind.Object)
        {
            Line("initiator", $"{Json.String(initiator, "name") ?? Json.String(initiator, "subject")} ({Json.String(initiator, "subject")} at {Json.String(initiator, "issuer") ?? "no issuer"})");
        }

        Line("justification", Json.String(approval, "justification"));
        if (approval.TryGetProperty("policy", out var policy) && policy.ValueKind == JsonValueKind.Object)
        {
            var min = policy.TryGetProperty("minApprovals", out var m) ? m.GetRawText() : "1";
            var groups = policy.TryGetProperty("approverGroups", out var g) && g.ValueKind == JsonValueKind.Array && g.GetArrayLength() > 0
                ? "; approver groups " + string.Join(", ", g.EnumerateArray().Select(x => x.GetString()))
                : string.Empty;
            Line("rule", $"{Json.String(policy, "rule") ?? "default"} ({CountApprovals(approval)} of {min} approvals{groups})");
        }

        if (approval.TryGetProperty("dataClasses", out var classes) && classes.ValueKind == JsonValueKind.Object && classes.EnumerateObject().Any())
        {
            Line("data classes", string.Join(", ", classes.EnumerateObject().Select(c => c.Name + " " + c.Value.GetRawText())));
        }

        if (approval.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.Object && arguments.EnumerateObject().Any())
        {
            text.Append("  arguments\n");
            foreach (var argument in arguments.EnumerateObject())
            {
                text.Append(culture, $"    {argument.Name} = {argument.Value.GetRawText()}\n");
            }
        }

        if (approval.TryGetProperty("decisions", out var decisions) && decisions.ValueKind == JsonValueKind.Array && decisions.GetArrayLength() > 0)
        {
            text.Append("  decisions\n");
            foreach (var decision in decisions.EnumerateArray())
            {
                decision.TryGetProperty("approver", out var approver);
                var reason = Json.String(decision, "reason") is { } r ? ": " + r : string.Empty;
                text.Append(culture, $"    {Json.String(decision, "verdict")} by {Json.String(approver, "name") ?? Json.String(approver, "subject")} at {Json.String(decision, "at")}{reason}\n");
            }
        }

        Line("review", Json.String(approval, "reviewUrl"));
        return text.ToString();

        void Line(string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                text.Append(culture, $"  {label,-14}{value}\n");
            }
        }
    }

    public static Command CreateDecide(CliEnvironment environment, bool approve)
    {
        var connection = new ConnectionOptions();
        var id = new Argument<string>("id") { Description = "The approval id (from 'actionguard approvals list')." };
        var reason = new Option<string?>("--reason")
        {
            Description = approve ? "Why you approve; recorded in the audit log." : "Why you deny (required); the agent receives it and the audit log records it.",
            Required = !approve,
        };
        if (!approve)
        {
            reason.Validators.Add(r =>
            {
                if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string?>()))
                {
                    r.AddError("--reason must not be empty: a denial needs a reason.");
                }
            });
        }

        var command = new Command(approve ? "approve" : "deny", approve ? "Approve a pending request." : "Deny a pending request, with a reason.");
        command.Arguments.Add(id);
        command.Options.Add(reason);
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            var approvalId = parse.GetValue(id)!;
            var why = parse.GetValue(reason);
            using var result = await client.DecideAsync(
                approvalId,
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("verdict", approve ? "approve" : "deny");
                    if (!string.IsNullOrWhiteSpace(why))
                    {
                        w.WriteString("reason", why);
                    }

                    w.WriteEndObject();
                },
                cancellationToken).ConfigureAwait(false);

            var approval = result.RootElement;
            var status = Json.String(approval, "status") ?? "unknown";
            var line = $"{(approve ? "Approved" : "Denied")} {approvalId}: status is now {status}";
            if (status == "pending" && approval.TryGetProperty("policy", out var policy) && policy.TryGetProperty("minApprovals", out var min))
            {
                line += $" ({CountApprovals(approval).ToString(CultureInfo.InvariantCulture)} of {min.GetRawText()} approvals)";
            }

            await environment.Out.WriteLineAsync(line + ".").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int CountApprovals(JsonElement approval) =>
        approval.TryGetProperty("decisions", out var decisions) && decisions.ValueKind == JsonValueKind.Array
            ? decisions.EnumerateArray().Count(d => Json.String(d, "verdict") == "approve")
            : 0;

    private static async Task WriteTableAsync(TextWriter output, List<JsonElement> items, string status)
    {
        if (items.Count == 0)
        {
            await output.WriteLineAsync(status == "all" ? "No approvals." : $"No {status} approvals.").ConfigureAwait(false);
            return;
        }

        var rows = new List<string[]> { Header };
        foreach (var item in items)
        {
            item.TryGetProperty("action", out var action);
            var min = item.TryGetProperty("policy", out var policy) && policy.TryGetProperty("minApprovals", out var m) ? m.GetRawText() : "1";
            var initiator = item.TryGetProperty("initiator", out var party) && party.ValueKind == JsonValueKind.Object
                ? Json.String(party, "name") ?? Json.String(party, "subject") ?? "-"
                : "-";
            rows.Add(
            [
                Json.String(item, "id") ?? "-",
                Json.String(item, "status") ?? "-",
                action.ValueKind == JsonValueKind.Object ? Json.String(action, "kind") ?? "-" : "-",
                action.ValueKind == JsonValueKind.Object ? Json.String(action, "name") ?? "-" : "-",
                action.ValueKind == JsonValueKind.Object ? Json.String(action, "resource") ?? "-" : "-",
                action.ValueKind == JsonValueKind.Object ? Json.String(action, "destination") ?? "-" : "-",
                Json.String(item, "agentId") ?? "-",
                initiator,
                CountApprovals(item).ToString(CultureInfo.InvariantCulture) + "/" + min,
                Json.String(item, "expiresAt") ?? "-",
            ]);
        }

        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i])))).ConfigureAwait(false);
        }
    }
}
