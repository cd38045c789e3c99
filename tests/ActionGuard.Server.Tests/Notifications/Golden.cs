using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActionGuard.Server.Tests.Notifications;

// Golden files live beside the test source as <name>.verified.json. A missing file is written as
// <name>.received.json and the test fails, so a new payload is reviewed before it is accepted.
internal static class Golden
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Verify(string name, string json, [CallerFilePath] string sourceFile = "")
    {
        var folder = SourceFiles.DirectoryOf(sourceFile);
        var verified = Path.Combine(folder, name + ".verified.json");
        var actual = JsonNode.Parse(json)!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
        if (!File.Exists(verified))
        {
            File.WriteAllText(Path.Combine(folder, name + ".received.json"), actual);
            Assert.Fail($"No golden file {name}.verified.json; the payload was written to {name}.received.json for review.");
        }

        var expected = File.ReadAllText(verified).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }
}
