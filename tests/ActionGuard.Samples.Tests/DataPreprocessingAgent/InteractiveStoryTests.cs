using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using ActionGuard.Server.Development;
using DataPreprocessingAgent;

namespace ActionGuard.Samples.Tests.DataPreprocessingAgent;

// --interactive on the embedded backend: the story prints each request's review page and how to sign in there, then
// waits for a person, who decides here through the API with a development token as the review page would.
public sealed partial class InteractiveStoryTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "ag-samples-tests", Guid.NewGuid().ToString("N"));

    [GeneratedRegex(@"review page: (http://127\.0\.0\.1:\d+/review/(\S+))")]
    private static partial Regex ReviewLink();

    [Fact]
    public async Task Interactive_mode_prints_each_requests_review_page_and_the_group_to_sign_in_with_then_waits_for_a_person()
    {
        var output = new LockedWriter();
        var story = PreprocessingStory.RunAsync(new StoryOptions { Output = output, WorkDirectory = _work, Interactive = true, DecisionTimeout = TimeSpan.FromSeconds(60) });

        var text = await WaitForAsync(output, "Waiting…");
        var links = ReviewLink().Matches(text).Select(m => (Url: m.Groups[1].Value, Id: m.Groups[2].Value)).ToList();
        Assert.Equal(2, links.Count);
        var server = new Uri(links[0].Url).GetLeftPart(UriPartial.Authority);
        Assert.Contains($"Decide in your browser: open {server}/review", text);
        Assert.Contains("any user name except dana", text);
        Assert.Contains("tick the group 'data-stewards'", text);
        Assert.False(story.IsCompleted);

        // A person (not the initiator) decides; the review page would record the same decisions.
        using (var issuer = DevelopmentIssuer.TryLoad(Path.Combine(_work, "server-data"))!)
        {
            using var person = new HttpClient { BaseAddress = new Uri(server) };
            person.DefaultRequestHeaders.Authorization = new("Bearer", issuer.MintToken("bob", ["data-stewards"], "Bob", null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            foreach (var (_, id) in links)
            {
                var kind = (await person.GetFromJsonAsync<System.Text.Json.JsonElement>("v1/approvals/" + id)).GetProperty("action").GetProperty("kind").GetString();
                var verdict = kind == "data_export" ? "approve" : "deny";
                using var decided = await person.PostAsJsonAsync($"v1/approvals/{id}/decisions", new Dictionary<string, string> { ["verdict"] = verdict, ["reason"] = "checked by bob" });
                Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
            }
        }

        var result = await story.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(result.Succeeded, output.ToString());
        Assert.NotNull(result.Export);
        Assert.Contains("denied by Bob: checked by bob. It did not run.", result.GrantToolResult, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "bucket", PreprocessingStory.Bucket, ".acl")));
    }

    private static async Task<string> WaitForAsync(LockedWriter output, string marker)
    {
        for (var i = 0; i < 600; i++)
        {
            var text = output.ToString();
            if (text.Contains(marker, StringComparison.Ordinal))
            {
                return text;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The story did not get to waiting for a person:\n" + output);
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

    // The story writes while the test reads.
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, index, count);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }
}
