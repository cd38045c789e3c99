using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>
/// What test sources compile against: the .NET 10 reference assemblies (Basic.Reference.Assemblies, so nothing is
/// downloaded at test time), the ActionGuard SDK, and the Microsoft.Extensions assemblies its public types use.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Lazy = new(Load);

    public static ImmutableArray<MetadataReference> All => Lazy.Value;

    private static ImmutableArray<MetadataReference> Load()
    {
        var sdk = typeof(RequiresApprovalAttribute).Assembly.Location;
        var extensions = Directory.GetFiles(Path.GetDirectoryName(sdk)!, "Microsoft.Extensions.*.dll");
        return
        [
            .. Basic.Reference.Assemblies.Net100.References.All,
            .. new[] { sdk }.Concat(extensions.Order(StringComparer.Ordinal)).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
        ];
    }
}
