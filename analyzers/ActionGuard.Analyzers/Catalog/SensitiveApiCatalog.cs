using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Catalog;

/// <summary>
/// The sensitive APIs one compilation can call: the built-in entries whose containing type the compilation references,
/// then the user's entries, indexed by (containing type name, member name), and the family rules whose root namespace
/// the compilation has. Symbols are never resolved up front: a call is compared by documentation-comment ID only after
/// its names matched an entry, and against family rules only when its type (or a type it derives from) fits one.
/// </summary>
internal sealed class SensitiveApiCatalog
{
    private static readonly Lazy<List<CatalogEntry>> BuiltIn = new(LoadBuiltIn, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<List<CatalogEntry>> BuiltInTwins = new(() => Twins(BuiltIn.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    // Member name → entries; user entries come first so that their Ignore silences a built-in entry.
    private readonly Dictionary<string, List<CatalogEntry>> _byMember;
    private readonly Dictionary<string, List<CatalogEntry>> _byType;
    // Family rules in precedence order (the user's, then the built-in ones, each in file order); first match wins.
    private readonly CatalogEntry[] _families;
    private readonly ConcurrentDictionary<IMethodSymbol, CatalogEntry?> _matches = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ITypeSymbol, CatalogEntry[]> _familiesOfType = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ITypeSymbol, bool> _familiesNearType = new(SymbolEqualityComparer.Default);

    private SensitiveApiCatalog(Dictionary<string, List<CatalogEntry>> byMember, Dictionary<string, List<CatalogEntry>> byType, CatalogEntry[] families)
    {
        _byMember = byMember;
        _byType = byType;
        _families = families;
    }

    /// <summary>Gets how many family rules this compilation kept.</summary>
    internal int FamilyCount => _families.Length;

    public bool IsEmpty => _byMember.Count == 0 && _byType.Count == 0 && _families.Length == 0;

    public static IReadOnlyList<CatalogEntry> BuiltInEntries => BuiltIn.Value;

    /// <summary>Builds the catalog for a compilation, keeping only entries whose containing type it can see.</summary>
    public static SensitiveApiCatalog Create(Compilation compilation, IReadOnlyList<CatalogEntry> userEntries)
    {
        var byMember = new Dictionary<string, List<CatalogEntry>>(StringComparer.Ordinal);
        var byType = new Dictionary<string, List<CatalogEntry>>(StringComparer.Ordinal);
        var present = new Dictionary<string, bool>(StringComparer.Ordinal);
        var presentRoots = new Dictionary<string, bool>(StringComparer.Ordinal);
        var families = new List<CatalogEntry>();
        // Precedence is list order: entries written down (the user's, then the built-in ones) before the twins derived
        // from them (the user's, then the built-in ones), so an exact entry always beats a derived one.
        foreach (var entry in userEntries)
        {
            Add(entry);
        }

        foreach (var entry in BuiltIn.Value)
        {
            Add(entry);
        }

        foreach (var entry in Twins(userEntries))
        {
            Add(entry);
        }

        foreach (var entry in BuiltInTwins.Value)
        {
            Add(entry);
        }

        return new SensitiveApiCatalog(byMember, byType, families.ToArray());

        void Add(CatalogEntry entry)
        {
            if (entry.Family is { } family)
            {
                if (!presentRoots.TryGetValue(family.LiteralNamespace, out var rootFound))
                {
                    rootFound = HasNamespace(compilation, family.LiteralNamespace);
                    presentRoots.Add(family.LiteralNamespace, rootFound);
                }

                if (rootFound)
                {
                    families.Add(entry);
                }

                return;
            }

            if (!present.TryGetValue(entry.ContainerFullName, out var found))
            {
                found = compilation.GetTypeByMetadataName(entry.ContainerFullName) is not null;
                present.Add(entry.ContainerFullName, found);
            }

            if (!found)
            {
                return;
            }

            var index = entry.MemberName is null ? byType : byMember;
            var key = entry.MemberName ?? entry.ContainerName;
            if (!index.TryGetValue(key, out var list))
            {
                list = new List<CatalogEntry>();
                index.Add(key, list);
            }

            list.Add(entry);
        }
    }

    private static bool HasNamespace(Compilation compilation, string dottedName)
    {
        INamespaceSymbol? current = compilation.GlobalNamespace;
        foreach (var name in dottedName.Split('.'))
        {
            current = current.GetNamespaceMembers().FirstOrDefault(n => n.Name == name);
            if (current is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a member of this name could be catalogued; the cheap test every call goes through first.</summary>
    public bool MayContain(IMethodSymbol method) =>
        _byMember.ContainsKey(method.Name)
        || (_byType.Count > 0 && _byType.ContainsKey(method.ContainingType.Name))
        || (_families.Length > 0 && IsFamilyCandidate(method) && _familiesNearType.GetOrAdd(method.ContainingType, FamiliesNear));

    /// <summary>
    /// Finds the entry for a method, its overridden methods, or the interface members it implements. An entry of kind
    /// <see cref="SensitiveKind.Ignore"/> is returned too, so callers can tell "silenced" from "not catalogued".
    /// </summary>
    public CatalogEntry? Find(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        if (!MayContain(method))
        {
            return null;
        }

        return _matches.GetOrAdd(method, FindUncached);
    }

    // Entries naming an API beat family rules anywhere along the chain of overrides and implemented interface members.
    private CatalogEntry? FindUncached(IMethodSymbol method) =>
        Walk(method, Match) ?? (_families.Length > 0 && IsFamilyCandidate(method) ? Walk(method, MatchFamily) : null);

    private static CatalogEntry? Walk(IMethodSymbol method, Func<IMethodSymbol, CatalogEntry?> match)
    {
        for (var current = method; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
        {
            if (match(current) is { } entry)
            {
                return entry;
            }

            foreach (var implemented in GuardSymbols.ImplementedInterfaceMembers(current))
            {
                if (match(implemented.OriginalDefinition) is { } fromInterface)
                {
                    return fromInterface;
                }
            }
        }

        return null;
    }

    // Family rules describe operations: instance methods and extension methods, not factories, accessors or operators.
    private static bool IsFamilyCandidate(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary && (!method.IsStatic || method.IsExtensionMethod);

    private CatalogEntry? MatchFamily(IMethodSymbol method)
    {
        foreach (var entry in _familiesOfType.GetOrAdd(method.ContainingType, FamiliesOf))
        {
            if (entry.Family!.MatchesMember(method.Name))
            {
                return entry;
            }
        }

        return null;
    }

    private CatalogEntry[] FamiliesOf(ITypeSymbol type)
    {
        var id = DocumentationCommentId.CreateDeclarationId(type.OriginalDefinition);
        if (id is null || id.Length < 3)
        {
            return Array.Empty<CatalogEntry>();
        }

        id = id.Substring(2);
        List<CatalogEntry>? found = null;
        foreach (var entry in _families)
        {
            if (entry.Family!.MatchesType(id))
            {
                (found ??= new List<CatalogEntry>()).Add(entry);
            }
        }

        return found?.ToArray() ?? Array.Empty<CatalogEntry>();
    }

    // Whether a method of this type could fall under a family rule: through the type itself, a base type, or an interface.
    private bool FamiliesNear(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (_familiesOfType.GetOrAdd(current, FamiliesOf).Length > 0)
            {
                return true;
            }
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (_familiesOfType.GetOrAdd(implemented, FamiliesOf).Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private CatalogEntry? Match(IMethodSymbol method)
    {
        string? id = null;
        if (_byMember.TryGetValue(method.Name, out var entries))
        {
            foreach (var entry in entries)
            {
                if (!string.Equals(entry.ContainerName, method.ContainingType.Name, StringComparison.Ordinal))
                {
                    continue;
                }

                id ??= DocumentationCommentId.CreateDeclarationId(method);
                if (id is not null && entry.Matches(id))
                {
                    return entry;
                }
            }
        }

        if (_byType.TryGetValue(method.ContainingType.Name, out var typeEntries))
        {
            var typeId = DocumentationCommentId.CreateDeclarationId(method.ContainingType.OriginalDefinition);
            foreach (var entry in typeEntries)
            {
                if (string.Equals(entry.Id, typeId, StringComparison.Ordinal))
                {
                    return entry;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The other half of every sync/async pair: an entry for <c>XxxAsync</c> that names every overload also covers
    /// <c>Xxx</c> on the same type, and the other way round, with the same kind and message (SDKs ship both, and a
    /// catalog that lists one must not let the other through). An explicit entry for the twin, found earlier in the
    /// list, wins either way.
    /// </summary>
    internal static List<CatalogEntry> Twins(IReadOnlyList<CatalogEntry> entries)
    {
        const string Suffix = "Async";
        var twins = new List<CatalogEntry>();
        foreach (var entry in entries)
        {
            if (entry.Family is not null || entry.MemberName is not { } member || entry.Id.IndexOf('(') >= 0 || member.IndexOf('`') >= 0)
            {
                continue;
            }

            var twin = member.EndsWith(Suffix, StringComparison.Ordinal) && member.Length > Suffix.Length
                ? member.Substring(0, member.Length - Suffix.Length)
                : member + Suffix;
            var id = entry.Id.Substring(0, entry.Id.Length - member.Length) + twin;
            twins.Add(new CatalogEntry(id, entry.Kind, entry.Message, entry.ContainerFullName, entry.ContainerName, twin));
        }

        return twins;
    }

    private static List<CatalogEntry> LoadBuiltIn()
    {
        using var stream = typeof(SensitiveApiCatalog).Assembly.GetManifestResourceStream("ActionGuard.Analyzers.BuiltInCatalog.txt")
            ?? throw new InvalidOperationException("The built-in catalog resource is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = SourceText.From(reader.ReadToEnd());
        var entries = new List<CatalogEntry>();
        var errors = new List<CatalogError>();
        CatalogParser.Parse(text, entries, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The built-in catalog has an invalid line: " + errors[0].Message);
        }

        return entries;
    }
}
