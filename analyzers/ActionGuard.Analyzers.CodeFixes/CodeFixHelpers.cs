using System.Linq;
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

    /// <summary>Adds <c>using {ns};</c> unless the file already has it, keeping the usings sorted where they are.</summary>
    public static CompilationUnitSyntax AddUsing(CompilationUnitSyntax root, string ns)
    {
        if (root.Usings.Any(u => u.Name?.ToString() == ns)
            || root.Members.OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Usings.Any(u => u.Name?.ToString() == ns)))
        {
            return root;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).WithAdditionalAnnotations(Formatter.Annotation)
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
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
