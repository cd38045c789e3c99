using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Catalog;

/// <summary>
/// The sensitive APIs one compilation can call: the built-in entries whose containing type the compilation references,
/// then the user's entries, indexed by (containing type name, member name). Symbols are never resolved up front: a call
/// is compared by documentation-comment ID only after its names matched an entry.
/// </summary>
internal sealed class SensitiveApiCatalog
{
    private static readonly Lazy<List<CatalogEntry>> BuiltIn = new(LoadBuiltIn, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<List<CatalogEntry>> BuiltInTwins = new(() => Twins(BuiltIn.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    // Member name → entries; user entries come first so that their Ignore silences a built-in entry.
    private readonly Dictionary<string, List<CatalogEntry>> _byMember;
    private readonly Dictionary<string, List<CatalogEntry>> _byType;
    private readonly ConcurrentDictionary<IMethodSymbol, CatalogEntry?> _matches = new(SymbolEqualityComparer.Default);

    private SensitiveApiCatalog(Dictionary<string, List<CatalogEntry>> byMember, Dictionary<string, List<CatalogEntry>> byType)
    {
        _byMember = byMember;
        _byType = byType;
    }

    public bool IsEmpty => _byMember.Count == 0 && _byType.Count == 0;

    public static IReadOnlyList<CatalogEntry> BuiltInEntries => BuiltIn.Value;

    /// <summary>Builds the catalog for a compilation, keeping only entries whose containing type it can see.</summary>
    public static SensitiveApiCatalog Create(Compilation compilation, IReadOnlyList<CatalogEntry> userEntries)
    {
        var byMember = new Dictionary<string, List<CatalogEntry>>(StringComparer.Ordinal);
        var byType = new Dictionary<string, List<CatalogEntry>>(StringComparer.Ordinal);
        var present = new Dictionary<string, bool>(StringComparer.Ordinal);
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

        return new SensitiveApiCatalog(byMember, byType);

        void Add(CatalogEntry entry)
        {
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

    /// <summary>Whether a member of this name could be catalogued; the cheap test every call goes through first.</summary>
    public bool MayContain(IMethodSymbol method) =>
        _byMember.ContainsKey(method.Name) || (_byType.Count > 0 && _byType.ContainsKey(method.ContainingType.Name));

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

    private CatalogEntry? FindUncached(IMethodSymbol method)
    {
        for (var current = method; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
        {
            if (Match(current) is { } entry)
            {
                return entry;
            }

            foreach (var implemented in GuardSymbols.ImplementedInterfaceMembers(current))
            {
                if (Match(implemented.OriginalDefinition) is { } fromInterface)
                {
                    return fromInterface;
                }
            }
        }

        return null;
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
            if (entry.MemberName is not { } member || entry.Id.IndexOf('(') >= 0 || member.IndexOf('`') >= 0)
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
