using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs the analyzers once and hands back their diagnostics, for tests that read what a diagnostic says (its message,
/// its effective severity, the line of a catalog file) rather than where it is; <see cref="Verifier"/> checks where.
/// Markup in the source is removed first. A compiler error in the sources or an analyzer exception fails the test.
/// </summary>
internal static class AnalyzerRun
{
    /// <summary>The folder every test file lives in, as Microsoft.CodeAnalysis.Testing names it.</summary>
    public const string Folder = "/0/";

    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(string source, TestOptions options)
    {
        var project = CreateProject(source, options);
        var compilation = (await project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0 && !options.AllowCompilerErrors)
        {
            throw new Xunit.Sdk.XunitException("The test source does not compile:\n" + string.Join("\n", errors));
        }

        var analyzerOptions = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(options.Analyzers ?? Verifier.AllAnalyzers, analyzerOptions);
        var result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
        var all = result.GetAllDiagnostics();
        var crashes = all.Where(d => d.Id == "AD0001").ToList();
        if (crashes.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("An analyzer threw:\n" + string.Join("\n", crashes.Select(c => c.GetMessage())));
        }

        return all;
    }

    /// <summary>The project the analyzers run on: the main source as <c>/0/Test0.cs</c>, then the others.</summary>
    public static Project CreateProject(string source, TestOptions options)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "TestProject",
            "TestProject",
            LanguageNames.CSharp,
            filePath: Folder + "TestProject.csproj",
            compilationOptions: Verifier.CompilationOptions,
            parseOptions: Verifier.ParseOptions,
            metadataReferences: TestReferences.All));

        foreach (var (path, text) in Verifier.SourcesOf(source, options))
        {
            TestFileMarkupParser.GetSpans(text, out string plain, out ImmutableDictionary<string, ImmutableArray<TextSpan>> _);
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), Path.GetFileName(path), SourceText.From(plain), filePath: path);
        }

        foreach (var (path, text) in Verifier.AdditionalFilesOf(options))
        {
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId), Path.GetFileName(path), SourceText.From(text), filePath: path);
        }

        if (Verifier.EditorConfigOf(options) is { } editorConfig)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(editorConfig.Text), filePath: editorConfig.Path);
        }

        return solution.GetProject(projectId)!;
    }
}
