using DataPreprocessingAgent;
using DataPreprocessingAgent.Agent;

namespace ActionGuard.Samples.Tests.DataPreprocessingAgent;

// The README's main command, run in-process: the real server on 127.0.0.1 over HTTP, the SDK, the simulated reviewer.
public sealed class PreprocessingStoryTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "ag-samples-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Main_story_exports_after_approval_denies_the_grant_and_the_audit_chain_verifies()
    {
        using var output = new StringWriter();

        var result = await PreprocessingStory.RunAsync(new StoryOptions { Output = output, WorkDirectory = _work })
            .WaitAsync(TimeSpan.FromMinutes(2));

        var text = output.ToString();
        Assert.True(result.Succeeded, text);
        Assert.Equal(0, result.ExitCode);

        // The export ran after the approval: the raw file is in the bucket folder, byte for byte.
        var export = Assert.IsType<ExportReceipt>(result.Export);
        Assert.Equal(Path.Combine(_work, "bucket", PreprocessingStory.Bucket, "2024-q3", "customers-raw.csv"), export.Path);
        Assert.Equal(await File.ReadAllBytesAsync(CustomerFile.PathOnDisk), await File.ReadAllBytesAsync(export.Path));

        // The grant never ran; the model read the reviewer's name and reason as the tool's result.
        Assert.Equal(
            $"The call to 'grant_read_access' was denied by Alice Steward: {PreprocessingStory.DenyReason.TrimEnd('.')}. It did not run. Do not retry it unchanged; tell the user why.",
            result.GrantToolResult);
        Assert.Contains("denied by Alice Steward", result.ModelAnswer, StringComparison.Ordinal);
        Assert.Contains("→ grant_read_access(", text, StringComparison.Ordinal);
        Assert.False(File.Exists(new BucketFolder(Path.Combine(_work, "bucket")).AclOf(PreprocessingStory.Bucket)));

        // The audit chain verifies and holds each approval's transitions, decided by alice, acted on by the agent.
        Assert.True(result.AuditVerified);
        Assert.Equal(
            ["requested", "decided", "approved", "claimed", "succeeded"],
            result.Audit.Where(l => l.ApprovalId == result.ExportApprovalId).Select(l => l.Type));
        Assert.Equal(
            ["requested", "decided", "denied"],
            result.Audit.Where(l => l.ApprovalId == result.GrantApprovalId).Select(l => l.Type));
        Assert.All(result.Audit.Where(l => l.Type is "decided" or "approved" or "denied"), l => Assert.Equal("user:alice", l.Actor));
        Assert.All(result.Audit.Where(l => l.Type is "requested" or "claimed" or "succeeded"), l => Assert.Equal("agent:preprocessing-agent", l.Actor));
        Assert.Equal(result.Audit.Count, result.Audit.Select(l => l.Seq).Distinct().Count());

        // What was shown: the review card's data classes, and never a raw email or card number.
        Assert.Contains("8 email", text);
        Assert.Contains("3 payment_card", text);
        Assert.Contains("rule 'personal-data-leaves'", text);
        Assert.DoesNotContain("ada.lovelace@example.com", text);
        Assert.DoesNotContain("4242 4242 4242 4242", text);
        Assert.Contains("[6/6] Audit trail", text);
    }

    [Fact]
    public void Options_default_to_the_embedded_backend_and_a_simulated_reviewer()
    {
        var options = StoryOptions.Parse([], _ => null);

        Assert.Null(options.Server);
        Assert.False(options.Interactive);
        Assert.Equal("preprocessing-agent", options.AgentId);
    }

    [Fact]
    public void Options_for_an_existing_backend_take_the_reviewer_token_from_the_environment()
    {
        var options = StoryOptions.Parse(["--server", "http://127.0.0.1:5080", "--api-key", "k"], name => name == "ACTIONGUARD_TOKEN" ? "jwt" : null);

        Assert.Equal(new Uri("http://127.0.0.1:5080/"), options.Server);
        Assert.Equal("jwt", options.ApproverToken);
        Assert.Equal("jwt", options.AuditorToken);
    }

    [Theory]
    [InlineData("--server http://127.0.0.1:5080", "--api-key")]
    [InlineData("--server http://127.0.0.1:5080 --api-key k", "--approver-token")]
    [InlineData("--api-key k", "go with --server")]
    [InlineData("--server ftp://example.com --api-key k", "not an http(s) URL")]
    [InlineData("--bogus", "unknown option")]
    [InlineData("--server", "needs a value")]
    public void Options_refuse_what_cannot_work_and_say_why(string args, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => StoryOptions.Parse(args.Split(' '), _ => null));

        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Interactive_mode_against_an_existing_backend_needs_no_reviewer_token()
    {
        var options = StoryOptions.Parse(["--server", "http://127.0.0.1:5080", "--api-key", "k", "--interactive"], _ => null);

        Assert.True(options.Interactive);
        Assert.Null(options.ApproverToken);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
