using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ActionGuard;
using ActionGuard.Classification;
using DataPreprocessingAgent.Agent;
using DataPreprocessingAgent.Backend;
using DataPreprocessingAgent.Review;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DataPreprocessingAgent;

/// <summary>
/// The end-to-end story: an agent preprocesses a customer file, masks it for its model, then the model asks to export
/// the raw file to an external bucket and to grant a partner read access. Both tools are <c>[RequiresApproval]</c>; a
/// reviewer approves the export and denies the grant; the agent resumes, the grant fails closed, and the audit trail is
/// read back and verified. Every step checks itself.
/// </summary>
public static class PreprocessingStory
{
    /// <summary>The bucket the model wants the raw file in.</summary>
    public const string Bucket = "partner-drop";

    /// <summary>The key of the exported file.</summary>
    public const string ExportKey = "2024-q3/customers-raw.csv";

    /// <summary>The partner the model wants to give read access.</summary>
    public const string Partner = "analytics@partner.example";

    /// <summary>Why the simulated reviewer approves the export.</summary>
    public const string ApproveReason = "Covered by the partner DPA; one file, this quarter only.";

    /// <summary>Why the simulated reviewer denies the grant.</summary>
    public const string DenyReason = "No standing bucket access for partners; we send files, they do not pull.";

    private const string Reviewer = "alice";
    private const string ApproverGroup = "data-stewards";
    private const string Initiator = "dana";
    private const int Sections = 6;

    /// <summary>The embedded backend's policy: both actions need a data steward.</summary>
    public const string PolicyJson = """
        {
          "version": 1,
          "rules": [
            { "name": "personal-data-leaves", "kind": "data_export", "dataClasses": { "email": ">= 1" },
              "effect": "require_approval", "approverGroups": [ "data-stewards" ] },
            { "name": "partner-access", "kind": "permission_change",
              "effect": "require_approval", "approverGroups": [ "data-stewards" ] }
          ]
        }
        """;

    /// <summary>Runs the story.</summary>
    public static async Task<StoryResult> RunAsync(StoryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var console = new StoryConsole(options.Output, Sections);
        var ownsWorkDirectory = options.WorkDirectory is null;
        var workDirectory = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "actionguard-demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(workDirectory);
        EmbeddedServer? server = null;
        try
        {
            console.Raw("ActionGuard — a data-preprocessing agent asks a person before personal data leaves");
            console.Raw(new string('═', 84));

            // 1. The approval backend.
            console.Section("Approval backend");
            Uri endpoint;
            string apiKey;
            string? approverToken = options.ApproverToken, auditorToken = options.AuditorToken;
            ApprovalParty initiator;
            if (options.Server is null)
            {
                apiKey = "ag_demo_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                server = await EmbeddedServer.StartAsync(workDirectory, options.AgentId, apiKey, PolicyJson, cancellationToken);
                endpoint = server.BaseAddress;
                approverToken = server.Issuer.MintToken(Reviewer, [ApproverGroup], "Alice Steward", null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
                auditorToken = server.Issuer.MintToken("carol", ["actionguard-auditors"], "Carol Auditor", null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
                initiator = new ApprovalParty { Issuer = server.Issuer.Issuer, Subject = Initiator, Name = "Dana Analyst" };
                console.Line($"ActionGuard.Server on {endpoint} — SQLite in {server.DataDirectory}");
                console.Line("development identities (INSECURE, demo only): alice (data-stewards), carol (auditors), dana (initiator)");
                console.Line("policy: data exports with emails → 1 data steward; permission changes → 1 data steward");
            }
            else
            {
                apiKey = options.ApiKey!;
                endpoint = options.Server;
                initiator = new ApprovalParty { Subject = Initiator, Name = "Dana Analyst" };
                console.Line($"using the backend at {endpoint} as agent '{options.AgentId}'");
            }

            // 2. The agent's own work: read the file, find the personal data, mask it for the model.
            console.Section("Agent: load customers.csv and mask it for the model");
            var rows = CustomerFile.ReadRows(CustomerFile.PathOnDisk);
            var found = new DataClassifier(new DataClassifierOptions()).ClassifyRows(rows);
            console.Line($"{CustomerFile.FileName}: {rows.Count} rows; found {Describe(found.Counts)}");
            var masker = new DataMasker(new DataMaskerOptions
            {
                DefaultMode = MaskingMode.Mask,
                HashKey = RandomNumberGenerator.GetBytes(32),
                Modes = { [DataClassNames.Email] = MaskingMode.Hash },
            });
            var masked = masker.MaskRows(rows).ToList();
            foreach (var row in masked.Take(2))
            {
                console.Line("model sees  " + string.Join(" | ", row.Select(c => c.Value?.ToString() ?? string.Empty)));
            }

            var leaked = masked.SelectMany(r => r.Values).OfType<string>().Any(v => rows.Any(r => r["email"] as string == v || r["card_number"] as string == v));
            console.Check(!leaked && found.CountOf(DataClassNames.Email) == rows.Count, "no email or card number reaches the model unmasked");

            // 3. The model asks for two privileged actions; both block on the backend.
            console.Section("Model asks: export the raw file, give the partner access");
            var buckets = new BucketFolder(Path.Combine(workDirectory, "bucket"));
            var decisionTimeout = options.DecisionTimeout ?? (options.Interactive ? TimeSpan.FromMinutes(15) : TimeSpan.FromSeconds(60));
            var services = new ServiceCollection();
            services.AddSingleton(buckets);
            services.AddLogging(logging => logging.AddProvider(new StoryLog(console)));
            services.AddActionGuard(o =>
            {
                o.Endpoint = endpoint;
                o.AgentId = options.AgentId;
                o.ApiKey = apiKey;
                o.Environment = "prod";
                o.DefaultTimeout = decisionTimeout;
                o.LongPollWait = TimeSpan.FromSeconds(10);
            })
            .AddGuardedScoped<IDataTools, LocalBucketTools>()
            .AddPendingApprovals(o => o.Directory = Path.Combine(workDirectory, "pending-approvals"));
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            await using var scope = provider.CreateAsyncScope();
            // Not a DI service: its [RequiresApproval] method is guarded as a tool call by UseActionGuard below, and the
            // core refuses to resolve an attributed class that no decorator guards.
            var tools = new AgentTools(scope.ServiceProvider.GetRequiredService<IDataTools>(), buckets);

            // The model behind the function-calling loop; ActionGuard above it guards the [RequiresApproval] tools and
            // lets the calls of one turn wait together.
            using var model = options.Model is null
                ? new ScriptedModel(Bucket, ExportKey, Partner)
                : new OpenAI.Chat.ChatClient(options.ModelName, new System.ClientModel.ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY") ?? "unused"),
                    new OpenAI.OpenAIClientOptions { Endpoint = options.Model }).AsIChatClient();
            using var agent = new ChatClientBuilder(new CallPrinter(model, console.Line))
                .UseActionGuard()
                .UseFunctionInvocation()
                .Build(scope.ServiceProvider);
            console.Line(options.Model is null ? "model: scripted (offline); --model URL asks a real one" : $"model: {options.ModelName} at {options.Model}");
            List<ChatMessage> conversation =
            [
                new(ChatRole.System, "You are a data-preprocessing agent. You see masked data only. Use the tools to do what the user asks."),
                new(ChatRole.User,
                    $"Our partner needs {CustomerFile.FileName} unmasked to debug their import. Put the raw file in bucket '{Bucket}' " +
                    $"under key '{ExportKey}', and give {Partner} read access to that bucket so they can fetch it themselves. " +
                    $"Masked preview: {string.Join(" | ", masked[0].Select(c => c.Value?.ToString() ?? string.Empty))}"),
            ];

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(decisionTimeout + TimeSpan.FromSeconds(30));
            Task<ChatResponse> turn;
            using (ActionInitiator.Begin(initiator))
            {
                turn = agent.GetResponseAsync(conversation, new ChatOptions { Tools = tools.AsAITools() }, stop.Token);
            }

            console.Line($"both calls are waiting for a person (agent '{options.AgentId}', initiator '{Initiator}')");

            // 4. The review.
            string? exportId = null, grantId = null;
            using var approver = approverToken is null ? null : new PersonClient(endpoint, approverToken);
            if (options.Interactive)
            {
                console.Section("Review — waiting for you");
                (exportId, grantId) = await PrintInstructionsAsync(console, approver, endpoint, server, approverToken, options.AgentId, stop.Token);
            }
            else
            {
                console.Section($"Review — {Reviewer} (simulated reviewer, a different person than {Initiator})");
                try
                {
                    (exportId, grantId) = await ReviewAsync(console, approver!, options.AgentId, stop.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException)
                {
                    console.Fail("the reviewer could not decide: " + ex.Message);
                    await stop.CancelAsync();
                }
            }

            // 5. The agent resumes.
            console.Section("Agent resumes");
            ChatResponse? answer = null;
            try
            {
                answer = await turn;
            }
            catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException)
            {
                console.Line($"the turn ended without a verified approval: {ex.GetType().Name}: {ex.Message}");
            }

            var receipt = tools.Export;
            if (receipt is not null)
            {
                var written = SHA256.HashData(await File.ReadAllBytesAsync(receipt.Path, cancellationToken));
                var source = SHA256.HashData(await File.ReadAllBytesAsync(CustomerFile.PathOnDisk, cancellationToken));
                console.Line($"export ran: {Path.GetRelativePath(workDirectory, receipt.Path)} ({receipt.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
                console.Check(written.AsSpan().SequenceEqual(source), "the raw file is in the bucket folder, byte for byte");
            }
            else
            {
                console.Line("export did not run");
                if (!options.Interactive)
                {
                    console.Fail("the approved export ran");
                }
            }

            var grantResult = answer?.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()
                .FirstOrDefault(r => conversation.Concat(answer.Messages).SelectMany(m => m.Contents).OfType<FunctionCallContent>()
                    .Any(c => c.CallId == r.CallId && c.Name == AgentTools.GrantTool))?.Result?.ToString();
            var granted = File.Exists(buckets.AclOf(Bucket));
            console.Line(granted ? $"grant ran: {Partner} can read s3://{Bucket}" : "grant did not run; the model read:");
            if (grantResult is not null && !granted)
            {
                console.Line($"  \"{grantResult}\"");
            }

            if (!options.Interactive)
            {
                console.Check(
                    !granted && grantResult is not null && grantResult.Contains("denied by", StringComparison.Ordinal) && grantResult.Contains(DenyReason, StringComparison.Ordinal),
                    "the grant never ran, and the model knows who refused and why");
            }

            if (answer is not null)
            {
                console.Line("model: " + answer.Messages[^1].Text);
            }


            // The agent reports outcomes in the background; stopping it, as its host would, delivers them first.
            await scope.DisposeAsync();
            await provider.DisposeAsync();

            // 6. The audit trail.
            console.Section("Audit trail (hash-chained, read back as auditor)");
            var (audit, verified) = await ReadAuditAsync(console, endpoint, auditorToken, cancellationToken);
            if (!options.Interactive && exportId is not null && grantId is not null)
            {
                console.Check(
                    HasInOrder(audit, exportId, "requested", "decided", "approved", "claimed", "succeeded") &&
                    HasInOrder(audit, grantId, "requested", "decided", "denied"),
                    "the trail holds request → approve → claim → succeeded, and request → deny");
            }

            console.Raw(string.Empty);
            console.Raw(console.Failures.Count > 0
                ? "FAILED: " + string.Join("; ", console.Failures)
                : options.Interactive
                    ? "Done: each action ran only as a person decided; the audit chain verifies."
                    : "Done: the export ran only after a person approved it; the grant failed closed; the audit chain verifies.");
            return new StoryResult
            {
                Failures = [.. console.Failures],
                Server = endpoint,
                Export = receipt,
                GrantToolResult = grantResult,
                ModelAnswer = answer?.Messages[^1].Text,
                ExportApprovalId = exportId,
                GrantApprovalId = grantId,
                Audit = audit,
                AuditVerified = verified,
            };
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (ownsWorkDirectory)
            {
                TryDelete(workDirectory);
            }
        }
    }

    private static async Task<(string ExportId, string GrantId)> ReviewAsync(StoryConsole console, PersonClient reviewer, string agentId, CancellationToken cancellationToken)
    {
        var pending = await WaitForPendingAsync(reviewer, agentId, cancellationToken);
        foreach (var approval in pending)
        {
            ReviewCard.Print(console, approval);
        }

        var export = pending.Single(a => a.GetProperty("action").GetProperty("kind").GetString() == "data_export");
        var grant = pending.Single(a => a.GetProperty("action").GetProperty("kind").GetString() == "permission_change");
        var exportId = export.GetProperty("id").GetString()!;
        var grantId = grant.GetProperty("id").GetString()!;
        await reviewer.DecideAsync(exportId, approve: true, ApproveReason, cancellationToken);
        console.Line($"{Reviewer} approves {exportId}: \"{ApproveReason}\"");
        await reviewer.DecideAsync(grantId, approve: false, DenyReason, cancellationToken);
        console.Line($"{Reviewer} denies   {grantId}: \"{DenyReason}\"");
        return (exportId, grantId);
    }

    private static async Task<(string? ExportId, string? GrantId)> PrintInstructionsAsync(
        StoryConsole console, PersonClient? reviewer, Uri endpoint, EmbeddedServer? server, string? approverToken, string agentId, CancellationToken cancellationToken)
    {
        string? exportId = null, grantId = null;
        if (reviewer is not null)
        {
            var pending = await WaitForPendingAsync(reviewer, agentId, cancellationToken);
            foreach (var approval in pending)
            {
                ReviewCard.Print(console, approval);
                if (approval.GetPropertyOrDefault("reviewUrl") is { ValueKind: JsonValueKind.String } url)
                {
                    console.Line($"  review page: {url.GetString()}");
                }
            }

            exportId = pending.FirstOrDefault(a => a.GetProperty("action").GetProperty("kind").GetString() == "data_export").GetPropertyOrDefault("id").GetString();
            grantId = pending.FirstOrDefault(a => a.GetProperty("action").GetProperty("kind").GetString() == "permission_change").GetPropertyOrDefault("id").GetString();
        }

        console.Line();
        if (server is not null)
        {
            console.Line($"Decide in your browser: open {server.ReviewPage} (or a request's review page above).");
            console.Line($"  Sign in on the DEVELOPMENT sign-in form with any user name except {Initiator} (the initiator),");
            console.Line($"  and tick the group '{ApproverGroup}': both requests need one approver from it.");
            console.Line();
            console.Line("Or decide in another terminal with the actionguard CLI (from this repository: dotnet run --project src/ActionGuard.Cli --):");
        }
        else
        {
            console.Line("Decide on the backend's review page (its link is above when the backend sets ReviewUrlBase), or in another terminal");
            console.Line("with the actionguard CLI (from this repository: dotnet run --project src/ActionGuard.Cli --):");
        }

        console.Line($"  export ACTIONGUARD_SERVER={endpoint.AbsoluteUri.TrimEnd('/')}");
        if (server is not null)
        {
            console.Line($"  export ACTIONGUARD_TOKEN=$(actionguard dev token --data-dir \"{server.DataDirectory}\" --subject {Reviewer} --group {ApproverGroup})");
            console.Line($"  # or, without the CLI's dev command: export ACTIONGUARD_TOKEN={approverToken}");
        }
        else
        {
            console.Line("  export ACTIONGUARD_TOKEN=<your approver token for this backend>");
        }

        console.Line("  actionguard approvals list");
        console.Line($"  actionguard approve {exportId ?? "<export id>"} --reason \"...\"");
        console.Line($"  actionguard deny {grantId ?? "<grant id>"} --reason \"...\"");
        console.Line($"You are {Reviewer} there, not {Initiator}: the backend refuses self-approval. Waiting…");
        return (exportId, grantId);
    }

    // The story's two requests: the newest pending export and grant of this agent (a shared backend may hold older ones).
    private static async Task<IReadOnlyList<JsonElement>> WaitForPendingAsync(PersonClient reviewer, string agentId, CancellationToken cancellationToken)
    {
        string[] kinds = ["data_export", "permission_change"];
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var newest = (await reviewer.ListPendingAsync(cancellationToken))
                .Where(a => ReviewCard.Text(a, "agentId") == agentId)
                .GroupBy(a => a.GetProperty("action").GetProperty("kind").GetString())
                .ToDictionary(g => g.Key ?? string.Empty, g => g.MaxBy(a => a.GetProperty("createdAt").GetDateTimeOffset()), StringComparer.Ordinal);
            if (kinds.All(newest.ContainsKey))
            {
                return [.. kinds.Select(k => newest[k])];
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The export and grant requests of agent '{agentId}' did not appear within a minute.");
    }

    private static async Task<(IReadOnlyList<AuditLine> Lines, bool Verified)> ReadAuditAsync(StoryConsole console, Uri endpoint, string? auditorToken, CancellationToken cancellationToken)
    {
        if (auditorToken is null)
        {
            console.Line("no auditor token: skipped (give --auditor-token, a token with the server's auditor group)");
            return ([], false);
        }

        using var auditor = new PersonClient(endpoint, auditorToken);
        var lines = new List<AuditLine>();
        try
        {
            foreach (var record in await auditor.ReadAuditAsync(cancellationToken))
            {
                var line = new AuditLine(
                    record.GetProperty("seq").GetInt64(),
                    record.GetProperty("at").GetDateTimeOffset(),
                    record.GetProperty("type").GetString()!,
                    record.GetPropertyOrDefault("approvalId").ValueKind == JsonValueKind.String ? record.GetProperty("approvalId").GetString() : null,
                    ShortActor(record.GetProperty("actor").GetString()!),
                    Summarize(record.GetPropertyOrDefault("data")));
                lines.Add(line);
                console.Line(string.Create(CultureInfo.InvariantCulture, $"#{line.Seq,-3} {line.At:HH:mm:ss.fff}  {line.Type,-10} {ShortId(line.ApprovalId),-14} {line.Actor,-25} {line.Detail}").TrimEnd());
            }

            var verify = await auditor.VerifyAuditAsync(cancellationToken);
            var ok = verify.GetProperty("ok").GetBoolean();
            console.Check(ok, $"GET /v1/audit/verify: ok={ok.ToString().ToLowerInvariant()}, {verify.GetProperty("records").GetRawText()} records, chain intact from the first record to the last");
            return (lines, ok);
        }
        catch (HttpRequestException ex)
        {
            console.Fail("the audit trail could not be read: " + ex.Message);
            return (lines, false);
        }
    }

    private static bool HasInOrder(IReadOnlyList<AuditLine> audit, string approvalId, params string[] types)
    {
        var next = 0;
        foreach (var line in audit.Where(l => l.ApprovalId == approvalId))
        {
            if (next < types.Length && line.Type == types[next])
            {
                next++;
            }
        }

        return next == types.Length;
    }

    // "user:alice@http://127.0.0.1:41234/dev/oidc" reads better as "user:alice".
    private static string ShortActor(string actor)
    {
        var at = actor.IndexOf("@http", StringComparison.Ordinal);
        return at > 0 ? actor[..at] : actor;
    }

    // The fields that tell the story; the record itself holds more (hashes, timestamps, the full action).
    private static readonly string[] SummaryFields = ["kind", "rule", "verdict", "reason", "approvals", "error"];

    private static string Summarize(JsonElement data)
    {
        var parts = new List<string>();
        foreach (var field in SummaryFields)
        {
            var value = data.GetPropertyOrDefault(field);
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
            if (text is not null)
            {
                parts.Add(field == "reason" ? $"\"{(text.Length > 44 ? text[..43] + "…" : text)}\"" : $"{field}={text}");
            }
        }

        return string.Join(" ", parts);
    }

    private static string ShortId(string? id) => id is { Length: > 12 } ? id[..12] + "…" : id ?? "-";

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "no personal data" : string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Value} {c.Key}"));

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (on Windows) leaves a temporary folder behind; the story's result does not depend on it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
