using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs the ActionGuard analyzers and code fixes through Microsoft.CodeAnalysis.Testing: the main source is
/// <c>/0/Test0.cs</c> with <c>{|AG0001:…|}</c> markup; every diagnostic in every file must be expected, compiler
/// errors fail the test, and a fix's output is compared exactly (line endings included) with a golden file.
/// </summary>
internal static class Verifier
{
    public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } =
    [
        new UnguardedCallAnalyzer(),
        new GuardBypassAnalyzer(),
        new ApprovalTemplateAnalyzer(),
        new UnawaitedGuardCallAnalyzer(),
        new SensitiveParameterAnalyzer(),
    ];

    public static CSharpCompilationOptions CompilationOptions { get; } =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Verifies that exactly the marked diagnostics are reported.</summary>
    /// <param name="markup">The main source, with markup.</param>
    /// <param name="options">Extra sources, additional files and .editorconfig text.</param>
    public static Task VerifyAsync(string markup, TestOptions? options = null) =>
        new Test(markup, options ?? new TestOptions(), fix: null).RunAsync();

    /// <summary>
    /// Applies <paramref name="provider"/>'s fix once, to the first finding it fixes, and compares the file with the
    /// golden file (written with the source's line ending).
    /// </summary>
    public static async Task VerifyFixAsync(
        string source,
        CodeFixProvider provider,
        string goldenName,
        int actionIndex = 0,
        TestOptions? options = null,
        [CallerFilePath] string callerPath = "")
    {
        options ??= new TestOptions();
        var test = new Test(source, options, provider)
        {
            CodeActionIndex = actionIndex,
            CodeFixTestBehaviors = CodeFixTestBehaviors.FixOne | CodeFixTestBehaviors.SkipFixAllCheck,
            NumberOfIncrementalIterations = 1,
        };
        await test.ExpectFixedAsync(LineEndingsOf(source, await ReadGoldenAsync(goldenName, callerPath)), options);
        await test.RunAsync();
    }

    /// <summary>
    /// Applies <paramref name="provider"/>'s Fix All in the document, as an IDE or <c>dotnet format analyzers</c> does,
    /// and one fix at a time; both must give the golden file. Returns the findings left after it.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyFixAllAsync(
        string source,
        CodeFixProvider provider,
        string goldenName,
        int incrementalIterations,
        TestOptions? options = null,
        [CallerFilePath] string callerPath = "")
    {
        options ??= new TestOptions();
        var golden = LineEndingsOf(source, await ReadGoldenAsync(goldenName, callerPath));
        var test = new Test(source, options, provider)
        {
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck,
            NumberOfIncrementalIterations = incrementalIterations,
            NumberOfFixAllInDocumentIterations = 1,
        };
        await test.ExpectFixedAsync(golden, options);
        await test.RunAsync();
        return await AnalyzerRun.DiagnosticsAsync(golden, options);
    }

    /// <summary>Verifies that <paramref name="provider"/> offers nothing for the findings in <paramref name="source"/>.</summary>
    public static async Task VerifyNoFixAsync(string source, CodeFixProvider provider, TestOptions? options = null)
    {
        options ??= new TestOptions();
        var test = new Test(source, options, provider);
        await test.ExpectFixedAsync(source, options);
        await test.RunAsync();
    }

    /// <summary>The sources of a run: the main one as <c>/0/Test0.cs</c>, then the stubs.</summary>
    public static IEnumerable<(string Path, string Text)> SourcesOf(string main, TestOptions options) =>
        new[] { (AnalyzerRun.Folder + "Test0.cs", main) }
            .Concat(options.Sources.Select((s, i) => (AnalyzerRun.Folder + (s.Name ?? $"Test{i + 1}.cs"), s.Text)));

    public static IEnumerable<(string Path, string Text)> AdditionalFilesOf(TestOptions options) =>
        options.AdditionalFiles.Select(f => (AnalyzerRun.Folder + f.Name, f.Text));

    public static (string Path, string Text)? EditorConfigOf(TestOptions options) =>
        options.EditorConfig is { } lines ? ("/.editorconfig", "root = true\n\n[*.cs]\n" + lines) : null;

    // The golden files are written with "\n"; a source written with CRLF must come out of the fix with CRLF.
    private static string LineEndingsOf(string source, string golden) =>
        source.Contains("\r\n", StringComparison.Ordinal) ? golden.ReplaceLineEndings("\r\n") : golden;

    private static async Task<string> ReadGoldenAsync(string goldenName, string callerPath)
    {
        var goldenPath = Path.Combine(ActionGuard.TestSupport.SourceFiles.DirectoryOf(callerPath), "Golden", goldenName + ".verified.cs");
        if (!File.Exists(goldenPath))
        {
            throw new Xunit.Sdk.XunitException($"Golden file {goldenPath} does not exist.");
        }

        return (await File.ReadAllTextAsync(goldenPath)).ReplaceLineEndings("\n");
    }

    private sealed class Test : CSharpCodeFixTest<EmptyDiagnosticAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
    {
        private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
        private readonly CodeFixProvider? _fix;

        public Test(string main, TestOptions options, CodeFixProvider? fix)
        {
            _analyzers = options.Analyzers ?? AllAnalyzers;
            _fix = fix;
            // No reference package to resolve: the framework comes from Basic.Reference.Assemblies below.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(TestReferences.All);
            CompilerDiagnostics = options.AllowCompilerErrors ? CompilerDiagnostics.None : CompilerDiagnostics.Errors;
            foreach (var source in SourcesOf(main, options))
            {
                TestState.Sources.Add(source);
            }

            foreach (var file in AdditionalFilesOf(options))
            {
                TestState.AdditionalFiles.Add(file);
            }

            if (EditorConfigOf(options) is { } editorConfig)
            {
                TestState.AnalyzerConfigFiles.Add(editorConfig);
            }

            SolutionTransforms.Add((solution, projectId) => solution
                .WithProjectCompilationOptions(projectId, CompilationOptions)
                .WithProjectParseOptions(projectId, ParseOptions));
        }

        /// <summary>Expects <paramref name="fixedMain"/> after the fix, with the findings the analyzers report in it.</summary>
        public async Task ExpectFixedAsync(string fixedMain, TestOptions options)
        {
            TestState.ExpectedDiagnostics.AddRange(await ExpectedAsync(TestState.Sources[0].content.ToString(), options));
            foreach (var source in SourcesOf(fixedMain, options))
            {
                FixedState.Sources.Add(source);
            }

            FixedState.ExpectedDiagnostics.AddRange(await ExpectedAsync(fixedMain, options));
            FixedState.MarkupHandling = MarkupMode.None;
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => _analyzers;

        protected override IEnumerable<CodeFixProvider> GetCodeFixProviders() => _fix is null ? [] : [_fix];

        private static async Task<IEnumerable<DiagnosticResult>> ExpectedAsync(string source, TestOptions options) =>
            (await AnalyzerRun.DiagnosticsAsync(source, options)).Select(d =>
            {
                var span = d.Location.GetLineSpan();
                return new DiagnosticResult(d.Id, d.Severity).WithSpan(
                    span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1);
            });
    }
}
