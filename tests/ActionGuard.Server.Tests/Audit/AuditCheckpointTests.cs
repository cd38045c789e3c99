using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Webhooks;
using ActionGuard.Server.Tests.Notifications;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.TestSupport;

namespace ActionGuard.Server.Tests.Audit;

// Someone who can write the database cuts or rewrites the log (with a freshly computed hash chain, which the chain
// check alone accepts); a checkpoint saved outside the database, and the proofs tied to it, refuse both.
public sealed class AuditCheckpointTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public void Every_inclusion_and_consistency_proof_verifies_and_any_changed_leaf_breaks_them()
    {
        var leaves = Enumerable.Range(0, 33).Select(i => AuditTree.LeafHash("record-" + i)).ToList();
        for (var size = 1; size <= leaves.Count; size++)
        {
            var root = AuditTree.Root(leaves, size);
            for (var index = 0; index < size; index++)
            {
                var path = AuditTree.InclusionProof(leaves, index, size);
                Assert.True(AuditTree.VerifyInclusion(leaves[index], index, size, path, root), $"inclusion {index} of {size}");
                Assert.False(AuditTree.VerifyInclusion(AuditTree.LeafHash("forged"), index, size, path, root));
            }

            for (var from = 1; from <= size; from++)
            {
                var proof = AuditTree.ConsistencyProof(leaves, from, size);
                var oldRoot = AuditTree.Root(leaves, from);
                Assert.True(AuditTree.VerifyConsistency(from, size, oldRoot, root, proof), $"consistency {from} → {size}");

                // The same later log, but with one of the first `from` records changed before it was extended.
                var rewritten = leaves.ToList();
                rewritten[from - 1] = AuditTree.LeafHash("rewritten");
                var forgedProof = AuditTree.ConsistencyProof(rewritten, from, size);
                Assert.False(AuditTree.VerifyConsistency(from, size, oldRoot, AuditTree.Root(rewritten, size), forgedProof), $"rewritten {from} → {size}");
            }
        }
    }

    [Fact]
    public async Task A_checkpoint_is_signed_proves_every_record_and_a_later_log_extends_it()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        for (var i = 0; i < 3; i++)
        {
            await Api.CreatePendingAsync(agent);
        }

        var first = await CheckpointAsync(auditor);
        Assert.Equal(3, first.Size);
        Assert.True(first.HasValidSignature());
        Assert.Contains(first.KeyId, (await Api.GetAsync(host.CreateClient(), ".well-known/jwks.json")).Text, StringComparison.Ordinal);
        var records = (await Api.GetAsync(auditor, "v1/audit?limit=100")).Json["records"]!.AsArray();
        for (var seq = 1; seq <= 3; seq++)
        {
            var proof = await ProofAsync(auditor, $"v1/audit/proofs/inclusion?seq={seq}&size=3");
            Assert.True(AuditTree.VerifyInclusion(AuditTree.LeafHash((string)records[seq - 1]!["hash"]!), seq - 1, 3, proof, first.RootBytes()));
        }

        await Api.CreatePendingAsync(agent);
        await Api.CreatePendingAsync(agent);
        var second = await CheckpointAsync(auditor);
        var consistency = await ProofAsync(auditor, "v1/audit/proofs/consistency?from=3&size=5");

        Assert.True(AuditTree.VerifyConsistency(3, 5, first.RootBytes(), second.RootBytes(), consistency));
    }

    [Fact]
    public async Task Records_cut_from_the_end_pass_the_chain_check_but_not_the_saved_checkpoint()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        for (var i = 0; i < 4; i++)
        {
            await Api.CreatePendingAsync(agent);
        }

        var saved = await CheckpointAsync(auditor);
        AuditForger.Truncate(Database(host), keep: 2);

        Assert.True((bool)(await Api.GetAsync(auditor, "v1/audit/verify")).Json["ok"]!);
        var proof = await Api.GetAsync(auditor, $"v1/audit/proofs/consistency?from={saved.Size}&size={saved.Size}");
        Assert.Equal(HttpStatusCode.BadRequest, proof.Status);
        Assert.Equal(2, (await CheckpointAsync(auditor)).Size);
    }

    [Fact]
    public async Task A_record_rewritten_with_a_recomputed_chain_passes_the_chain_check_but_no_consistency_proof()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        for (var i = 0; i < 3; i++)
        {
            await Api.CreatePendingAsync(agent);
        }

        var saved = await CheckpointAsync(auditor);
        await Api.CreatePendingAsync(agent);
        AuditForger.RewriteActor(Database(host), seq: 2, "agent:someone-else");

        Assert.True((bool)(await Api.GetAsync(auditor, "v1/audit/verify")).Json["ok"]!);
        var now = await CheckpointAsync(auditor);
        var proof = await ProofAsync(auditor, $"v1/audit/proofs/consistency?from={saved.Size}&size={now.Size}");
        Assert.False(AuditTree.VerifyConsistency(saved.Size, now.Size, saved.RootBytes(), now.RootBytes(), proof));
    }

    [Theory]
    [InlineData("size")]
    [InlineData("root")]
    [InlineData("jwk")]
    public async Task A_saved_checkpoint_edited_afterwards_no_longer_verifies(string member)
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        await Api.CreatePendingAsync(agent);
        await Api.CreatePendingAsync(agent);
        var json = JsonNode.Parse((await Api.GetAsync(auditor, "v1/audit/checkpoints")).Text)!;

        switch (member)
        {
            case "size":
                json["size"] = 1;
                break;
            case "root":
                json["root"] = new string('a', 64);
                break;
            default:
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    json["jwk"]!["x"] = System.Buffers.Text.Base64Url.EncodeToString(other.ExportParameters(false).Q.X);
                }

                break;
        }

        using var document = JsonDocument.Parse(json.ToJsonString());
        Assert.False(AuditCheckpoint.Read(document.RootElement).HasValidSignature());
    }

    [Fact]
    public async Task Checkpoints_are_exported_to_a_file_and_a_signed_webhook_when_the_server_stops()
    {
        await using var receiver = await LocalReceiver.StartAsync();
        var folder = ServerHost.NewDataDirectory();
        var file = Path.Combine(folder, "..", Path.GetFileName(folder) + "-checkpoints.jsonl");
        try
        {
            await using (var host = await ServerHost.StartKestrelAsync(Idp, s =>
            {
                s["ActionGuard:Audit:CheckpointFile"] = file;
                s["ActionGuard:Audit:CheckpointWebhook:Url"] = new Uri(receiver.BaseAddress, "checkpoints").AbsoluteUri;
                s["ActionGuard:Audit:CheckpointWebhook:Secret"] = "whsec-checkpoints-0123456789";
            }, dataDirectory: folder))
            {
                using var agent = host.CreateClient(ServerHost.AgentKey);
                await Api.CreatePendingAsync(agent);
                await Api.CreatePendingAsync(agent);
            }

            var line = Assert.Single(File.ReadAllLines(file));
            using var saved = JsonDocument.Parse(line);
            var checkpoint = AuditCheckpoint.Read(saved.RootElement);
            Assert.Equal(2, checkpoint.Size);
            Assert.True(checkpoint.HasValidSignature());

            var post = await receiver.NextAsync();
            Assert.Equal("/checkpoints", post.Path);
            Assert.Equal("audit.checkpoint", post.Headers[WebhookSignature.EventHeader]);
            var timestamp = long.Parse(post.Headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(WebhookSignature.Sign("whsec-checkpoints-0123456789", timestamp, System.Text.Encoding.UTF8.GetBytes(post.Body)), post.Headers[WebhookSignature.SignatureHeader]);
            using var body = JsonDocument.Parse(post.Body);
            Assert.Equal(checkpoint.Root, body.RootElement.GetProperty("checkpoint").GetProperty("root").GetString());
        }
        finally
        {
            File.Delete(file);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Database(ServerHost host) => Path.Combine(host.DataDirectory, "actionguard.db");

    private static async Task<AuditCheckpoint> CheckpointAsync(HttpClient auditor)
    {
        var reply = await Api.GetAsync(auditor, "v1/audit/checkpoints");
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Text);
        using var document = JsonDocument.Parse(reply.Text);
        return AuditCheckpoint.Read(document.RootElement);
    }

    private static async Task<List<byte[]>> ProofAsync(HttpClient auditor, string path)
    {
        var reply = await Api.GetAsync(auditor, path);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Text);
        return reply.Json["proof"]!.AsArray().Select(p => Convert.FromHexString((string)p!)).ToList();
    }
}
