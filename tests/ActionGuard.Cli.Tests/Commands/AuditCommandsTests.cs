using ActionGuard.TestSupport;
using System.Text.Json;
using ActionGuard.Cli.Tests.TestSupport;

namespace ActionGuard.Cli.Tests.Commands;

// audit export and audit verify against `actionguard serve --dev`.
public sealed class AuditCommandsTests
{
    [Fact]
    public async Task Export_writes_every_record_in_order_as_a_chain()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var approver = await server.TokenAsync("alice", "approvers");
        for (var i = 0; i < 4; i++)
        {
            var created = await server.CreatePendingAsync(agent, "Exporter.Export" + i);
            Assert.Equal(0, (await server.RunAsync(approver, i % 2 == 0 ? ["approve", created.Id] : ["deny", created.Id, "--reason", "r" + i])).ExitCode);
        }

        var auditor = await server.TokenAsync("carol", CliServer.AuditorGroup);
        var file = Path.Combine(server.DataDirectory, "export.jsonl");
        var result = await server.RunAsync(auditor, "audit", "export", "--out", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        var verify = await server.RunAsync(auditor, "audit", "verify");
        var lines = File.ReadAllLines(file);
        Assert.Contains($"{lines.Length} records verified", verify.Out);
        Assert.Contains($"Exported {lines.Length} audit records", result.Error);
        var previous = new string('0', 64);
        for (var i = 0; i < lines.Length; i++)
        {
            using var record = JsonDocument.Parse(lines[i]);
            Assert.Equal(i + 1, record.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(previous, record.RootElement.GetProperty("prevHash").GetString());
            previous = record.RootElement.GetProperty("hash").GetString()!;
        }

        // 4 requests and 4 decisions, each at least one record, over pages of 3: nothing dropped between pages or at the end.
        Assert.True(lines.Length >= 8, $"only {lines.Length} records");
        Assert.Equal(4, lines.Count(l => l.Contains("\"type\":\"requested\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_without_a_file_writes_records_to_standard_output()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var created = await server.CreatePendingAsync(agent);

        var result = await server.RunAsync(await server.TokenAsync("carol", CliServer.AuditorGroup), "audit", "export");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var record = JsonDocument.Parse(Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("requested", record.RootElement.GetProperty("type").GetString());
        Assert.Equal(created.Id, record.RootElement.GetProperty("approvalId").GetString());
    }

    [Fact]
    public async Task Verify_is_ok_and_then_fails_at_the_tampered_record()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var approver = await server.TokenAsync("alice", "approvers");
        for (var i = 0; i < 3; i++)
        {
            var created = await server.CreatePendingAsync(agent);
            await server.RunAsync(approver, "approve", created.Id);
        }

        var auditor = await server.TokenAsync("carol", CliServer.AuditorGroup);
        var intact = await server.RunAsync(auditor, "audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains("Audit log intact", intact.Out);

        server.ExecuteSql("UPDATE audit SET actor = 'user:mallory@evil' WHERE seq = 2");
        var broken = await server.RunAsync(auditor, "audit", "verify");

        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("Audit log BROKEN: first broken record is seq 2", broken.Out);
    }

    [Fact]
    public async Task A_saved_checkpoint_catches_records_cut_from_the_end_that_the_chain_check_misses()
    {
        await using var server = await CliServer.StartAsync();
        var (auditor, file) = await LogWithCheckpointAsync(server);
        var intact = await server.RunAsync(auditor, "audit", "verify", "--checkpoint", file);
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains("Audit log intact: 6 records verified; it extends 1 saved checkpoint(s), the latest of 6 records", intact.Out);

        AuditForger.Truncate(Path.Combine(server.DataDirectory, "actionguard.db"), keep: 4);

        Assert.Equal(0, (await server.RunAsync(auditor, "audit", "verify")).ExitCode);
        var broken = await server.RunAsync(auditor, "audit", "verify", "--checkpoint", file);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("covers more records than the log now has (4); records were deleted", broken.Out);
    }

    [Fact]
    public async Task A_saved_checkpoint_catches_a_record_rewritten_with_a_recomputed_chain()
    {
        await using var server = await CliServer.StartAsync();
        var (auditor, file) = await LogWithCheckpointAsync(server);

        AuditForger.RewriteActor(Path.Combine(server.DataDirectory, "actionguard.db"), seq: 2, "user:mallory@evil");

        Assert.Equal(0, (await server.RunAsync(auditor, "audit", "verify")).ExitCode);
        var broken = await server.RunAsync(auditor, "audit", "verify", "--checkpoint", file);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("does not match the log's first 6 records", broken.Out);
    }

    [Fact]
    public async Task A_checkpoint_edited_after_it_was_saved_is_refused_and_a_malformed_one_is_named_by_line()
    {
        await using var server = await CliServer.StartAsync();
        var (auditor, file) = await LogWithCheckpointAsync(server);
        var line = File.ReadAllText(file).Trim();

        File.WriteAllText(file, line.Replace("\"size\":6", "\"size\":5", StringComparison.Ordinal) + "\n");
        var edited = await server.RunAsync(auditor, "audit", "verify", "--checkpoint", file);
        File.WriteAllText(file, line + "\n{\"size\":\"six\"}\n");
        var malformed = await server.RunAsync(auditor, "audit", "verify", "--checkpoint", file);

        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("is not signed by the key it names", edited.Out);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("line 2: The checkpoint's 'size' must be a whole number of records.", malformed.Error);
    }

    private static async Task<(string Auditor, string File)> LogWithCheckpointAsync(CliServer server)
    {
        using var agent = server.CreateAgentClient();
        var approver = await server.TokenAsync("alice", "approvers");
        for (var i = 0; i < 2; i++)
        {
            var created = await server.CreatePendingAsync(agent);
            await server.RunAsync(approver, "approve", created.Id);
        }

        var auditor = await server.TokenAsync("carol", CliServer.AuditorGroup);
        var file = Path.Combine(server.DataDirectory, "saved-checkpoints.jsonl");
        var saved = await server.RunAsync(auditor, "audit", "checkpoint", "--out", file);
        Assert.True(saved.ExitCode == 0, saved.ToString());
        return (auditor, file);
    }

    [Fact]
    public async Task An_approver_without_the_auditor_group_is_refused_with_the_servers_reason()
    {
        await using var server = await CliServer.StartAsync();

        var result = await server.RunAsync(await server.TokenAsync("alice", "approvers"), "audit", "verify");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(403 forbidden-role)", result.Error);
    }
}
