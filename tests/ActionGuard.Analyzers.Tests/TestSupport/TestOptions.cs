using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>What a verifier run compiles besides the main source.</summary>
internal sealed class TestOptions
{
    public List<(string? Name, string Text)> Sources { get; } = [];

    public List<(string Name, string Text)> AdditionalFiles { get; } = [];

    /// <summary>Gets or sets lines for the <c>[*.cs]</c> section of an .editorconfig.</summary>
    public string? EditorConfig { get; set; }

    public bool AllowCompilerErrors { get; set; }

    public ImmutableArray<DiagnosticAnalyzer>? Analyzers { get; set; }

    public static TestOptions WithStubs(params string[] stubs)
    {
        var options = new TestOptions();
        foreach (var stub in stubs)
        {
            options.Sources.Add((null, stub));
        }

        return options;
    }

    public TestOptions With(params string[] stubs)
    {
        foreach (var stub in stubs)
        {
            Sources.Add((null, stub));
        }

        return this;
    }
}
