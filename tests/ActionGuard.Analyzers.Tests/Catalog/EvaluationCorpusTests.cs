using System.Text;
using System.Text.RegularExpressions;
using ActionGuard.Analyzers.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace ActionGuard.Analyzers.Tests.Catalog;

// Recall and precision on realistic, unguarded agent code written against the real SDK packages (EvaluationCorpus/).
// Every SDK call there ends with the rule a reviewer expects, or "quiet"; a finding on a line without a label fails
// the test, so the corpus stays labelled call by call.
public sealed partial class EvaluationCorpusTests(ITestOutputHelper output)
{
    private static readonly string[] Rules = ["AG0001", "AG0002", "AG0003"];

    [Fact]
    public async Task The_analyzer_flags_at_least_95_percent_of_privileged_calls_with_at_most_2_percent_false_alarms()
    {
        var folder = Path.Combine(ActionGuard.TestSupport.SourceFiles.DirectoryOf(), "..", "EvaluationCorpus");
        var files = Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal).ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Verifier.ParseOptions, path: f)).ToList();
        var packages = RealPackage.Checked.Values.Concat(RealPackage.CorpusDependencies)
            .SelectMany(p => p.AllAssemblyPaths()).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Corpus", trees, TestReferences.All.AddRange(packages), Verifier.CompilationOptions);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The corpus must bind against the real packages:\n" + string.Join("\n", errors.Take(20)));

        var diagnostics = await compilation.WithAnalyzers(Verifier.AllAnalyzers).GetAnalyzerDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var found = diagnostics.Where(d => Rules.Contains(d.Id))
            .GroupBy(d => (d.Location.SourceTree!.FilePath, d.Location.GetLineSpan().StartLinePosition.Line))
            .ToDictionary(g => g.Key, g => g.Select(d => d.Id).ToHashSet());

        var labels = new Dictionary<(string File, int Line), string>();
        foreach (var tree in trees)
        {
            var lines = tree.GetText().Lines;
            for (var i = 0; i < lines.Count; i++)
            {
                if (Label().Match(lines[i].ToString()) is { Success: true } match)
                {
                    labels[(tree.FilePath, i)] = match.Groups[1].Value;
                }
            }
        }

        var unlabelled = found.Keys.Where(k => !labels.ContainsKey(k)).ToList();
        Assert.True(unlabelled.Count == 0, "Findings on lines without a label: " + string.Join(", ", unlabelled.Select(k => $"{Path.GetFileName(k.FilePath)}:{k.Line + 1}")));

        var report = new StringBuilder("| rule | privileged calls | flagged with this rule | recall | findings | false alarms | precision |\n|---|---|---|---|---|---|---|\n");
        int totalExpected = 0, totalHit = 0, totalFindings = 0, totalFalse = 0;
        var misses = new List<string>();
        foreach (var rule in Rules)
        {
            var expected = labels.Where(l => l.Value == rule).ToList();
            var hit = expected.Count(l => found.TryGetValue(l.Key, out var ids) && ids.Contains(rule));
            var findings = found.Count(f => f.Value.Contains(rule));
            var falseAlarms = found.Count(f => f.Value.Contains(rule) && labels[f.Key] != rule);
            misses.AddRange(expected.Where(l => !(found.TryGetValue(l.Key, out var ids) && ids.Contains(rule)))
                .Select(l => $"{Path.GetFileName(l.Key.File)}:{l.Key.Line + 1} expected {rule}, got {(found.TryGetValue(l.Key, out var ids) ? string.Join("+", ids) : "nothing")}"));
            misses.AddRange(found.Where(f => f.Value.Contains(rule) && labels[f.Key] != rule)
                .Select(f => $"{Path.GetFileName(f.Key.FilePath)}:{f.Key.Line + 1} reported {rule}, labelled {labels[f.Key]}"));
            report.Append($"| {rule} | {expected.Count} | {hit} | {Percent(hit, expected.Count)} | {findings} | {falseAlarms} | {Percent(findings - falseAlarms, findings)} |\n");
            totalExpected += expected.Count;
            totalHit += hit;
            totalFindings += findings;
            totalFalse += falseAlarms;
        }

        var quiet = labels.Count(l => l.Value == "quiet");
        report.Append($"| all | {totalExpected} | {totalHit} | {Percent(totalHit, totalExpected)} | {totalFindings} | {totalFalse} | {Percent(totalFindings - totalFalse, totalFindings)} |\n");
        report.Append($"\n{files.Count} files, {labels.Count} labelled calls ({quiet} read-only or routine). Misses and false alarms:\n");
        report.Append(string.Join("\n", misses.Select(m => "- " + m)));
        output.WriteLine(report.ToString());

        Assert.True(totalExpected >= 100, $"The corpus has only {totalExpected} privileged calls.");
        Assert.True(totalHit >= 0.95 * totalExpected, report.ToString());
        Assert.True(totalFalse <= 0.02 * totalFindings, report.ToString());
    }

    private static string Percent(int part, int whole) => whole == 0 ? "—" : $"{100.0 * part / whole:0.0} %";

    [GeneratedRegex(@"//\s*(AG000[123]|quiet)\s*$")]
    private static partial Regex Label();
}
