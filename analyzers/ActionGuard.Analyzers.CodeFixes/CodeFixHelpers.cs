using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ActionGuard.Analyzers.CodeFixes;

internal static class CodeFixHelpers
{
    public static readonly string[] FixableKinds = { "DataExport", "PermissionChange", "InfrastructureMutation" };

    public static string? KindOf(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(RuleIdentifiers.KindProperty, out var kind) && FixableKinds.Contains(kind) ? kind : null;

    /// <summary>
    /// The line ending a fix writes: <c>end_of_line</c> from .editorconfig when it is set, else the file's own (its first
    /// line break), else the workspace's formatting option, so a fix never mixes line endings into a file.
    /// </summary>
    public static async Task<string> NewLineOfAsync(Document document, SyntaxNode root, CancellationToken cancellationToken)
    {
        var config = document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(root.SyntaxTree);
        if (config.TryGetValue("end_of_line", out var endOfLine))
        {
            switch (endOfLine.Trim().ToLowerInvariant())
            {
                case "lf":
                    return "\n";
                case "crlf":
                    return "\r\n";
                case "cr":
                    return "\r";
            }
        }

        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia.ToString();
            }
        }

        var options = await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
        return options.GetOption(FormattingOptions.NewLine);
    }

    /// <summary>Adds <c>using {ns};</c> unless the file already has it, keeping the usings sorted where they are.</summary>
    public static CompilationUnitSyntax AddUsing(CompilationUnitSyntax root, string ns, string newLine)
    {
        if (root.Usings.Any(u => u.Name?.ToString() == ns)
            || root.Members.OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Usings.Any(u => u.Name?.ToString() == ns)))
        {
            return root;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).WithAdditionalAnnotations(Formatter.Annotation)
            .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
        var index = 0;
        while (index < root.Usings.Count && string.CompareOrdinal(SortKey(root.Usings[index].Name?.ToString()), SortKey(ns)) < 0)
        {
            index++;
        }

        return root.WithUsings(root.Usings.Insert(index, directive));
    }

    // System namespaces first, as dotnet_sort_system_directives_first does.
    private static string SortKey(string? ns) =>
        ns is null ? string.Empty : (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) ? "0" : "1") + ns;
}
