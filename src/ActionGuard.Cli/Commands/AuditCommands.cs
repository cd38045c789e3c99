using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActionGuard.Cli.Backend;
using ActionGuard.Server.Audit;

namespace ActionGuard.Cli.Commands;

/// <summary><c>audit export</c>, <c>audit checkpoint</c> and <c>audit verify</c>: what an auditor does (the token needs the auditor group).</summary>
internal static class AuditCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var audit = new Command("audit", "The hash-chained audit log (needs a token in the server's auditor group).");
        audit.Subcommands.Add(CreateExport(environment));
        audit.Subcommands.Add(CreateCheckpoint(environment));
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
            try
            {
                await ForEachRecordAsync(client, environment, async record =>
                {
                    await writer.WriteLineAsync(Json.Compact(record)).ConfigureAwait(false);
                    count++;
                }, cancellationToken).ConfigureAwait(false);

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

    private static Command CreateCheckpoint(CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var output = new Option<FileInfo?>("--out") { Description = "Append the checkpoint to this file as one JSON line (the form audit verify --checkpoint reads)." };
        var checkpoint = new Command("checkpoint", "Fetch a signed checkpoint of the audit log as it is now; keep it where the database's administrators cannot change it.");
        checkpoint.Options.Add(output);
        connection.AddTo(checkpoint);
        checkpoint.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            using var reply = await client.GetAuditCheckpointsAsync(cancellationToken).ConfigureAwait(false);
            var line = Json.Compact(reply.RootElement);
            if (parse.GetValue(output) is { } file)
            {
                await File.AppendAllTextAsync(file.FullName, line + "\n", new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                var size = reply.RootElement.TryGetProperty("size", out var s) ? s.GetRawText() : "?";
                await environment.Error.WriteLineAsync($"Saved a checkpoint of {size} audit records to {file.FullName}.").ConfigureAwait(false);
            }
            else
            {
                await environment.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return checkpoint;
    }

    private static Command CreateVerify(CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var saved = new Option<FileInfo?>("--checkpoint")
        {
            Description = "Also check the log against the checkpoints saved in this file (JSON lines): each must be signed, " +
                "and the log must still hold its records unchanged. Catches records cut from the end and a log rewritten with a new hash chain.",
        };
        var verify = new Command("verify", "Check the audit log; exit code 0 only when it is intact.");
        verify.Options.Add(saved);
        connection.AddTo(verify);
        verify.SetAction(async (parse, cancellationToken) =>
        {
            using var client = connection.CreateClient(parse, environment);
            if (parse.GetValue(saved) is { } file)
            {
                return await VerifyAgainstCheckpointsAsync(client, environment, file, cancellationToken).ConfigureAwait(false);
            }

            using var result = await client.VerifyAuditAsync(cancellationToken).ConfigureAwait(false);
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

    // Everything is recomputed here from the records the server sends; only the saved checkpoints are trusted.
    private static async Task<int> VerifyAgainstCheckpointsAsync(BackendClient client, CliEnvironment environment, FileInfo file, CancellationToken cancellationToken)
    {
        var checkpoints = ReadCheckpoints(file);
        var leaves = new List<byte[]>();
        var previousHash = AuditChain.GenesisHash;
        long? brokenSeq = null;
        await ForEachRecordAsync(client, environment, record =>
        {
            var parsed = ReadRecord(record);
            if (brokenSeq is null && (parsed is null || parsed.Seq != leaves.Count + 1 || !AuditChain.Verifies(parsed, previousHash)))
            {
                brokenSeq = leaves.Count + 1;
            }

            var hash = parsed?.Hash ?? string.Empty;
            leaves.Add(AuditTree.LeafHash(hash));
            previousHash = hash;
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        var failures = new List<string>();
        if (brokenSeq is { } seq)
        {
            failures.Add($"the hash chain is broken at seq {seq.ToString(CultureInfo.InvariantCulture)}");
        }

        foreach (var (line, checkpoint) in checkpoints)
        {
            var where = $"the checkpoint on line {line.ToString(CultureInfo.InvariantCulture)} ({checkpoint.Size.ToString(CultureInfo.InvariantCulture)} records, {checkpoint.At})";
            if (!checkpoint.HasValidSignature())
            {
                failures.Add($"{where} is not signed by the key it names; it was altered after it was saved");
            }
            else if (checkpoint.Size > leaves.Count)
            {
                failures.Add($"{where} covers more records than the log now has ({leaves.Count.ToString(CultureInfo.InvariantCulture)}); records were deleted");
            }
            else if (!AuditTree.Root(leaves, (int)checkpoint.Size).AsSpan().SequenceEqual(checkpoint.RootBytes()))
            {
                failures.Add($"{where} does not match the log's first {checkpoint.Size.ToString(CultureInfo.InvariantCulture)} records; a record it covers was changed or the chain was rewritten");
            }
        }

        if (failures.Count == 0)
        {
            var latest = checkpoints[^1].Checkpoint;
            await environment.Out.WriteLineAsync(
                $"Audit log intact: {leaves.Count.ToString(CultureInfo.InvariantCulture)} records verified; it extends {checkpoints.Count.ToString(CultureInfo.InvariantCulture)} saved checkpoint(s), the latest of {latest.Size.ToString(CultureInfo.InvariantCulture)} records taken {latest.At}.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        foreach (var failure in failures)
        {
            await environment.Out.WriteLineAsync("Audit log BROKEN: " + failure + ".").ConfigureAwait(false);
        }

        return ExitCodes.Refused;
    }

    private static List<(int Line, AuditCheckpoint Checkpoint)> ReadCheckpoints(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.Usage, $"error: the checkpoint file {file.FullName} does not exist.");
        }

        var checkpoints = new List<(int, AuditCheckpoint)>();
        var number = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                checkpoints.Add((number, AuditCheckpoint.Read(document.RootElement)));
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                throw new CliException(ExitCodes.Usage, $"error: {file.FullName}, line {number.ToString(CultureInfo.InvariantCulture)}: {ex.Message}");
            }
        }

        return checkpoints.Count > 0
            ? checkpoints
            : throw new CliException(ExitCodes.Usage, $"error: the checkpoint file {file.FullName} holds no checkpoint.");
    }

    private static AuditRecord? ReadRecord(JsonElement record)
    {
        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (!record.TryGetProperty("seq", out var seq) || seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt64(out var seqValue) || !record.TryGetProperty("data", out var data)
            || Text(record, "at") is not { } at || Text(record, "type") is not { } type || Text(record, "actor") is not { } actor
            || Text(record, "prevHash") is not { } prevHash || Text(record, "hash") is not { } hash)
        {
            return null;
        }

        return new AuditRecord { Seq = seqValue, At = at, Type = type, ApprovalId = Text(record, "approvalId"), Actor = actor, Data = data.Clone(), PrevHash = prevHash, Hash = hash };
    }

    // Pages through /v1/audit to the end; out-of-order or repeated records stop it, so a partial read never looks whole.
    private static async Task ForEachRecordAsync(BackendClient client, CliEnvironment environment, Func<JsonElement, Task> onRecord, CancellationToken cancellationToken)
    {
        long last = 0;
        long? after = 0;
        while (after is { } from)
        {
            using var page = await client.ReadAuditAsync(from, environment.AuditPageSize, cancellationToken).ConfigureAwait(false);
            if (!page.RootElement.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
            {
                throw new CliException(ExitCodes.Refused, "error: the server's /v1/audit reply has no 'records'.");
            }

            foreach (var record in records.EnumerateArray())
            {
                var seq = record.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) ? n : -1;
                if (seq <= last)
                {
                    throw new CliException(ExitCodes.Refused, $"error: the server returned audit record {seq.ToString(CultureInfo.InvariantCulture)} after {last.ToString(CultureInfo.InvariantCulture)}; stopped.");
                }

                await onRecord(record).ConfigureAwait(false);
                last = seq;
            }

            after = page.RootElement.TryGetProperty("nextAfter", out var next) && next.ValueKind == JsonValueKind.Number && next.TryGetInt64(out var nextAfter) ? nextAfter : null;
            if (after is { } a && a < last)
            {
                throw new CliException(ExitCodes.Refused, "error: the server's audit paging went backwards; stopped.");
            }
        }
    }
}
