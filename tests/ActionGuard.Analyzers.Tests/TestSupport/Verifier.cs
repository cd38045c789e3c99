using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs the ActionGuard analyzers over test sources in an <see cref="AdhocWorkspace"/> project referencing the running
/// framework and the ActionGuard SDK, and compares their diagnostics with <c>{|AG0001:…|}</c> markup. Any AD0001
/// (an analyzer threw) or compiler error in the sources fails the test.
/// </summary>
internal static class Verifier
{
    public const string Directory = "/src/";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } =
    [
        new UnguardedCallAnalyzer(),
        new GuardBypassAnalyzer(),
        new ApprovalTemplateAnalyzer(),
        new UnawaitedGuardCallAnalyzer(),
        new SensitiveParameterAnalyzer(),
    ];

    /// <summary>Verifies that exactly the marked diagnostics are reported.</summary>
    /// <param name="markup">The main source, with markup.</param>
    /// <param name="options">Extra sources, additional files and .editorconfig text.</param>
    public static async Task VerifyAsync(string markup, TestOptions? options = null)
    {
        options ??= new TestOptions();
        var (source, expected) = Markup.Parse(markup);
        var project = CreateProject(source, options);
        var diagnostics = await GetDiagnosticsAsync(project, options);

        var actual = diagnostics
            .Where(d => d.Location.IsInSource && d.Location.SourceTree!.FilePath == Directory + "Test0.cs")
            .Select(d => (d.Id, d.Location.SourceSpan))
            .OrderBy(d => d.SourceSpan.Start).ThenBy(d => d.Id)
            .ToList();
        var wanted = expected.Select(e => (e.Id, e.Span)).OrderBy(d => d.Span.Start).ThenBy(d => d.Id).ToList();

        if (!actual.SequenceEqual(wanted))
        {
            throw new Xunit.Sdk.XunitException(
                "Diagnostics differ.\nExpected:\n" + Describe(wanted, source) + "\nActual:\n" + Describe(actual, source)
                + "\nMessages:\n" + string.Join("\n", diagnostics.Select(d => d.ToString())));
        }
    }

    /// <summary>Returns every analyzer diagnostic, failing on AD0001 and on compiler errors.</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Project project, TestOptions options)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0 && !options.AllowCompilerErrors)
        {
            throw new Xunit.Sdk.XunitException("The test source does not compile:\n" + string.Join("\n", errors));
        }

        var analyzerOptions = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(options.Analyzers ?? AllAnalyzers, analyzerOptions);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
        var additional = result.AdditionalFileDiagnostics.SelectMany(p => p.Value.Values).SelectMany(v => v);
        var all = diagnostics.Concat(additional).Distinct().ToImmutableArray();

        var crashes = all.Where(d => d.Id == "AD0001").ToList();
        if (crashes.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("An analyzer threw:\n" + string.Join("\n", crashes.Select(c => c.GetMessage())));
        }

        return [.. all.Where(d => d.Severity != DiagnosticSeverity.Hidden || d.Id.StartsWith("AG", StringComparison.Ordinal))];
    }

    public static Project CreateProject(string source, TestOptions options)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "Test",
            "Test",
            LanguageNames.CSharp,
            filePath: Directory + "Test.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: References.Value));

        var sources = new List<(string Name, string Text)> { ("Test0.cs", source) };
        sources.AddRange(options.Sources.Select((s, i) => (s.Name ?? $"Test{i + 1}.cs", s.Text)));
        foreach (var (name, text) in sources)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), name, SourceText.From(text), filePath: Directory + name);
        }

        foreach (var (name, text) in options.AdditionalFiles)
        {
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId), name, SourceText.From(text), filePath: Directory + name);
        }

        if (options.EditorConfig is { } editorConfig)
        {
            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From("root = true\n\n[*.cs]\n" + editorConfig), filePath: Directory + ".editorconfig");
        }

        return solution.GetProject(projectId)!;
    }

    /// <summary>Applies a code fix to the first diagnostic of <paramref name="diagnosticId"/> and compares the result with a golden file.</summary>
    public static async Task VerifyFixAsync(
        string source,
        string diagnosticId,
        CodeFixProvider provider,
        string goldenName,
        int actionIndex = 0,
        TestOptions? options = null,
        [CallerFilePath] string callerPath = "")
    {
        options ??= new TestOptions();
        var project = CreateProject(source, options);
        var diagnostics = await GetDiagnosticsAsync(project, options);
        var diagnostic = diagnostics.First(d => d.Id == diagnosticId && d.Location.SourceTree?.FilePath == Directory + "Test0.cs");
        var document = project.Documents.Single(d => d.FilePath == Directory + "Test0.cs");

        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
        if (actions.Count <= actionIndex)
        {
            throw new Xunit.Sdk.XunitException($"Expected at least {actionIndex + 1} code action(s), got {actions.Count}.");
        }

        var operations = await actions[actionIndex].GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var fixedDocument = changed.GetDocument(document.Id)!;
        var fixedText = KeptLineEndings((await fixedDocument.GetTextAsync()).ToString(), source, options);

        await CompareWithGoldenAsync(fixedText, goldenName, callerPath);

        // The fixed code must compile and the finding must be gone.
        var fixedProject = fixedDocument.Project;
        var after = await GetDiagnosticsAsync(fixedProject, options);
        Assert.True(
            after.Count(d => d.Id == diagnosticId) < diagnostics.Count(d => d.Id == diagnosticId),
            "The fix did not remove the diagnostic:\n" + string.Join("\n", after));
    }

    /// <summary>
    /// Applies <paramref name="provider"/>'s Fix All to every finding of <paramref name="diagnosticIds"/> in the document,
    /// as an IDE or <c>dotnet format analyzers</c> does, compares the result with a golden file, and returns the findings
    /// left after it.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyFixAllAsync(
        string source,
        string[] diagnosticIds,
        CodeFixProvider provider,
        string goldenName,
        TestOptions? options = null,
        [CallerFilePath] string callerPath = "")
    {
        options ??= new TestOptions();
        var project = CreateProject(source, options);
        var diagnostics = await GetDiagnosticsAsync(project, options);
        var document = project.Documents.Single(d => d.FilePath == Directory + "Test0.cs");
        var fixAll = provider.GetFixAllProvider() ?? throw new Xunit.Sdk.XunitException($"{provider.GetType().Name} offers no Fix All.");
        Assert.Contains(FixAllScope.Document, fixAll.GetSupportedFixAllScopes());
        var context = new FixAllContext(
            document,
            provider,
            FixAllScope.Document,
            codeActionEquivalenceKey: null,
            diagnosticIds,
            new FoundDiagnostics([.. diagnostics.Where(d => diagnosticIds.Contains(d.Id))]),
            CancellationToken.None);
        var action = await fixAll.GetFixAsync(context) ?? throw new Xunit.Sdk.XunitException("Fix All produced no change.");
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var fixedDocument = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        var fixedText = KeptLineEndings((await fixedDocument.GetTextAsync()).ToString(), source, options);
        await CompareWithGoldenAsync(fixedText, goldenName, callerPath);
        return await GetDiagnosticsAsync(fixedDocument.Project, options);
    }

    /// <summary>
    /// Fails when the fix wrote a line break other than the file's (or the one .editorconfig's <c>end_of_line</c> asks
    /// for), then returns the text with "\n" line breaks so one golden file serves every line ending.
    /// </summary>
    private static string KeptLineEndings(string fixedText, string source, TestOptions options)
    {
        var expected = options.EditorConfig?.Contains("end_of_line = crlf", StringComparison.Ordinal) == true ? "\r\n"
            : options.EditorConfig?.Contains("end_of_line = lf", StringComparison.Ordinal) == true ? "\n"
            : source.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = fixedText.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var crlf = lines[i].EndsWith('\r');
            if (crlf != (expected == "\r\n"))
            {
                throw new Xunit.Sdk.XunitException(
                    $"Line {i + 1} of the fixed file ends with {(crlf ? "CRLF" : "LF")}, the file's line ending is {(expected == "\r\n" ? "CRLF" : "LF")}: '{lines[i].TrimEnd('\r')}'");
            }
        }

        return fixedText.ReplaceLineEndings("\n");
    }

    private static async Task CompareWithGoldenAsync(string fixedText, string goldenName, string callerPath)
    {
        var goldenPath = Path.Combine(ActionGuard.TestSupport.SourceFiles.DirectoryOf(callerPath), "Golden", goldenName + ".verified.cs");
        if (!File.Exists(goldenPath))
        {
            await File.WriteAllTextAsync(goldenPath, fixedText);
            throw new Xunit.Sdk.XunitException($"Golden file {goldenPath} did not exist; it was written. Review it and run again.");
        }

        var golden = (await File.ReadAllTextAsync(goldenPath)).ReplaceLineEndings("\n");
        if (golden != fixedText)
        {
            await File.WriteAllTextAsync(Path.ChangeExtension(goldenPath, null).Replace(".verified", ".received", StringComparison.Ordinal) + ".cs", fixedText);
            throw new Xunit.Sdk.XunitException($"The fix output differs from {goldenName}.verified.cs:\n{fixedText}");
        }
    }

    private static string Describe(IEnumerable<(string Id, TextSpan Span)> diagnostics, string source) =>
        string.Join("\n", diagnostics.Select(d => $"  {d.Id} {d.Span}: {source.Substring(d.Span.Start, d.Span.Length)}"));

    /// <summary>Gets the running framework's assemblies and the ActionGuard SDK, as test sources see them.</summary>
    public static ImmutableArray<MetadataReference> FrameworkAndSdkReferences => References.Value;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = paths.Where(p =>
        {
            var name = Path.GetFileNameWithoutExtension(p);
            return name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "netstandard" or "mscorlib"
                || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name == "Microsoft.Win32.Primitives" || name == "Microsoft.CSharp";
        });
        var sdk = typeof(RequiresApprovalAttribute).Assembly.Location;
        return [.. framework.Append(sdk).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    // The findings of one analysis, handed to a Fix All as an IDE would.
    private sealed class FoundDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>([.. diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath)]);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
