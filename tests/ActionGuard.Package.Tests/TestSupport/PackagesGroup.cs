namespace ActionGuard.Package.Tests.TestSupport;

/// <summary>Every test class that uses the packed packages shares one pack.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesGroup : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}
