using System.Text;
using ActionGuard.Analyzers.Catalog;
using ActionGuard.Analyzers.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ActionGuard.Analyzers.Tests.Catalog;

/// <summary>
/// The analyzer's verdict on every public method of a real package: what a call to it would be reported as, through
/// the built-in catalog exactly as a compilation that references the package builds it.
/// </summary>
internal static class PackageSurface
{
    private static readonly SymbolDisplayFormat MemberFormat = new(
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.ExpandNullable);

    /// <summary>
    /// Describes the package: every type with a flagged method lists all its public methods with their verdicts
    /// (the kind, <c>Ignore</c> where a rule silences it, <c>-</c> where no rule applies); the other types are counted.
    /// </summary>
    public static string Describe(RealPackage package)
    {
        var references = TestReferences.All
            .AddRange(package.AllAssemblyPaths().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)));
        var compilation = CSharpCompilation.Create("Surface", references: references);
        var catalog = SensitiveApiCatalog.Create(compilation, []);
        var main = references.Last(r => r is PortableExecutableReference pe && pe.FilePath == package.AssemblyPath);
        var assembly = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(main)!;

        var listed = new List<(string Type, List<(string Verdict, string Member)> Methods)>();
        int types = 0, methods = 0, flagged = 0, quietTypes = 0, quietMethods = 0;
        foreach (var type in PublicTypes(assembly.GlobalNamespace).OrderBy(t => DocId(t), StringComparer.Ordinal))
        {
            var verdicts = PublicMethods(type)
                .Select(m => (Verdict: Verdict(catalog.Find(m)), Member: m.ToDisplayString(MemberFormat)))
                .OrderBy(v => v.Member, StringComparer.Ordinal)
                .ToList();
            types++;
            methods += verdicts.Count;
            var flaggedHere = verdicts.Count(v => v.Verdict is not ("-" or nameof(SensitiveKind.Ignore)));
            flagged += flaggedHere;
            if (flaggedHere > 0)
            {
                listed.Add((DocId(type), verdicts));
            }
            else
            {
                quietTypes++;
                quietMethods += verdicts.Count;
            }
        }

        var text = new StringBuilder()
            .Append("// ").Append(package.Id).Append(' ').Append(package.Version).Append(" (").Append(package.Framework).Append("): ")
            .Append(methods).Append(" public methods on ").Append(types).Append(" public types; ").Append(flagged).Append(" flagged.\n")
            .Append("// Every type with a flagged method lists all its public methods: the kind a call is reported as, Ignore where a\n")
            .Append("// rule silences it, - where no rule applies. ")
            .Append(quietTypes).Append(" types (").Append(quietMethods).Append(" methods) have no flagged method and are not listed.\n");
        foreach (var (type, verdicts) in listed)
        {
            text.Append('\n').Append(type).Append('\n');
            foreach (var (verdict, member) in verdicts)
            {
                text.Append("  ").Append(verdict.PadRight(24)).Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Verdict(CatalogEntry? entry) => entry is null ? "-" : entry.Kind.ToString();

    private static string DocId(INamedTypeSymbol type) => DocumentationCommentId.CreateDeclarationId(type) ?? type.ToDisplayString();

    private static IEnumerable<INamedTypeSymbol> PublicTypes(INamespaceSymbol ns)
    {
        foreach (var member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (var type in PublicTypes(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                foreach (var nested in WithNested(type))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        if (type.DeclaredAccessibility != Accessibility.Public)
        {
            yield break;
        }

        yield return type;
        foreach (var nested in type.GetTypeMembers().SelectMany(WithNested))
        {
            yield return nested;
        }
    }

    private static IEnumerable<IMethodSymbol> PublicMethods(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IMethodSymbol>().Where(m =>
            m.DeclaredAccessibility == Accessibility.Public
            && m.MethodKind is MethodKind.Ordinary or MethodKind.Constructor
            && m.Name is not (nameof(ToString) or nameof(Equals) or nameof(GetHashCode)));
}
