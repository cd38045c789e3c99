using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActionGuard.Cli.Backend;

namespace ActionGuard.Cli.Commands;

/// <summary><c>audit export</c> and <c>audit verify</c>: what an auditor does (the token needs the auditor group).</summary>
internal static class AuditCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var audit = new Command("audit", "The hash-chained audit log (needs a token in the server's auditor group).");
        audit.Subcommands.Add(CreateExport(environment));
        audit.Subcommands.Add(CreateVerify(environment));
        return audit;
    }

    private static Command CreateExport(CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output (replaced if it exists)." };
        var format = new Option<string>("--format") { Description = "jsonl: one record per line, in sequence order.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl");
        var export = new Command("export", "Export every audit record in order, paging through /v1/audit until the end.");
        export.Options.Add(output);
        export.Options.Add(format);
        connection.AddTo(export);
        export.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            var file = parse.GetValue(output);
            var writer = file is null ? environment.Out : new StreamWriter(file.FullName, append: false, new UTF8Encoding(false));
            long count = 0;
            long last = 0;
            try
            {
                long? after = 0;
                while (after is { } from)
                {
                    using var page = await client.GetAsync(
                        "v1/audit?after=" + from.ToString(CultureInfo.InvariantCulture) + "&limit=" + environment.AuditPageSize.ToString(CultureInfo.InvariantCulture),
                        cancellationToken).ConfigureAwait(false);
                    if (!page.RootElement.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
                    {
                        throw new CliException(ExitCodes.Refused, "error: the server's /v1/audit reply has no 'records'.");
                    }

                    foreach (var record in records.EnumerateArray())
                    {
                        var seq = record.TryGetProperty("seq", out var s) && s.TryGetInt64(out var n) ? n : -1;
                        if (seq <= last)
                        {
                            // Out of order or repeated: a partial export would look complete, so stop instead.
                            throw new CliException(ExitCodes.Refused, $"error: the server returned audit record {seq.ToString(CultureInfo.InvariantCulture)} after {last.ToString(CultureInfo.InvariantCulture)}; export stopped.");
                        }

                        await writer.WriteLineAsync(Json.Compact(record)).ConfigureAwait(false);
                        last = seq;
                        count++;
                    }

                    after = page.RootElement.TryGetProperty("nextAfter", out var next) && next.TryGetInt64(out var nextAfter) ? nextAfter : null;
                    if (after is { } a && a < last)
                    {
                        throw new CliException(ExitCodes.Refused, "error: the server's audit paging went backwards; export stopped.");
                    }
                }

                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (file is not null)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (file is not null)
            {
                await environment.Error.WriteLineAsync($"Exported {count.ToString(CultureInfo.InvariantCulture)} audit records to {file.FullName}.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return export;
    }

    private static Command CreateVerify(CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var verify = new Command("verify", "Ask the server to recompute the hash chain; exit code 0 only when it is intact.");
        connection.AddTo(verify);
        verify.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            using var result = await client.GetAsync("v1/audit/verify", cancellationToken).ConfigureAwait(false);
            var root = result.RootElement;
            var ok = root.TryGetProperty("ok", out var okValue) && okValue.ValueKind == JsonValueKind.True;
            var records = root.TryGetProperty("records", out var r) ? r.GetRawText() : "?";
            if (ok)
            {
                await environment.Out.WriteLineAsync($"Audit log intact: {records} records verified.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var broken = root.TryGetProperty("firstBrokenSeq", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetRawText() : "unknown";
            await environment.Out.WriteLineAsync($"Audit log BROKEN: first broken record is seq {broken} ({records} records checked).").ConfigureAwait(false);
            return ExitCodes.Refused;
        });
        return verify;
    }
}
