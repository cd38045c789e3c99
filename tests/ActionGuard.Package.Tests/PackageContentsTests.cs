using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ActionGuard.Package.Tests.TestSupport;

namespace ActionGuard.Package.Tests;

/// <summary>What a user downloads: the files and metadata of each package and its symbols.</summary>
[Collection(PackagesGroup.Name)]
public sealed partial class PackageContentsTests(PackedPackages packages)
{
    private const string RepositoryUrl = "https://github.com/actionguard/actionguard";

    // Portable PDB custom debug information kinds (System.Reflection.Metadata documents them; there are no constants).
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static TheoryData<string> Ids => [.. PackedPackages.Ids];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Package_carries_its_identity_license_readme_icon_and_repository(string id)
    {
        using var package = new NuGetPackage(packages.PackageFile(id));

        Assert.Equal(id, package.Value("id"));
        Assert.Equal(packages.Version, package.Value("version"));
        Assert.Equal("ActionGuard contributors", package.Value("authors"));
        Assert.False(string.IsNullOrWhiteSpace(package.Value("description")), package.Metadata.ToString());
        Assert.Contains("ai", package.Value("tags")!.Split(' '));
        Assert.Contains("approval", package.Value("tags")!.Split(' '));
        Assert.Equal(RepositoryUrl, package.Value("projectUrl"));

        var license = package.Element("license");
        Assert.NotNull(license);
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);
        Assert.Contains("LICENSE", package.Entries);

        Assert.Equal("README.md", package.Value("readme"));
        var readme = Encoding.UTF8.GetString(package.Read("README.md"));
        Assert.StartsWith("# ActionGuard", readme, StringComparison.Ordinal);

        Assert.Equal("icon.png", package.Value("icon"));
        var icon = package.Read("icon.png");
        Assert.True(icon.AsSpan(0, 8).SequenceEqual(PngSignature), "icon.png is not a PNG");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(icon, 12, 4));
        Assert.Equal(128, BinaryPrimitives.ReadInt32BigEndian(icon.AsSpan(16)));
        Assert.Equal(128, BinaryPrimitives.ReadInt32BigEndian(icon.AsSpan(20)));

        var repository = package.Element("repository");
        Assert.NotNull(repository);
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(RepositoryUrl, (string?)repository.Attribute("url"));
        Assert.Matches(CommitId(), (string?)repository.Attribute("commit") ?? string.Empty);

        Assert.True(File.Exists(packages.SymbolPackageFile(id)), $"No symbol package for {id}:\n{packages.Pack}");
    }

    [Fact]
    public void ActionGuard_package_carries_the_library_its_documentation_and_the_analyzer()
    {
        using var package = new NuGetPackage(packages.PackageFile("ActionGuard"));

        Assert.Contains("lib/net10.0/ActionGuard.dll", package.Entries);
        Assert.Contains("lib/net10.0/ActionGuard.xml", package.Entries);
        Assert.Contains("analyzers/dotnet/cs/ActionGuard.Analyzers.dll", package.Entries);
        Assert.Contains("analyzers/dotnet/cs/ActionGuard.Analyzers.CodeFixes.dll", package.Entries);
        Assert.DoesNotContain(package.Entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));

        // The analyzer must fail the build when the compiler cannot load it, not be skipped.
        var props = Encoding.UTF8.GetString(package.Read("buildTransitive/ActionGuard.props"));
        Assert.Contains("CS9057", props, StringComparison.Ordinal);
        Assert.Contains("CS8032", props, StringComparison.Ordinal);

        var documentation = package.ReadXml("lib/net10.0/ActionGuard.xml");
        Assert.Contains(
            documentation.Descendants("member"),
            m => (string?)m.Attribute("name") == "T:ActionGuard.RequiresApprovalAttribute");

        // Analyzers travel inside the package; they are never a dependency of it.
        var dependencies = package.Descendants("dependency").Select(d => (string)d.Attribute("id")!).ToList();
        Assert.DoesNotContain(dependencies, d => d.StartsWith("ActionGuard", StringComparison.Ordinal));
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ActionGuard.Testing")]
    [InlineData("ActionGuard.Server")]
    [InlineData("ActionGuard.AI")]
    public void Library_packages_depend_on_the_ActionGuard_package_of_the_same_version(string id)
    {
        using var package = new NuGetPackage(packages.PackageFile(id));

        Assert.Contains($"lib/net10.0/{id}.dll", package.Entries);
        Assert.Contains($"lib/net10.0/{id}.xml", package.Entries);
        var actionGuard = Assert.Single(package.Descendants("dependency"), d => (string?)d.Attribute("id") == "ActionGuard");
        Assert.Equal(packages.Version, (string?)actionGuard.Attribute("version"));
    }

    [Fact]
    public void Server_package_needs_the_ASP_NET_Core_shared_framework()
    {
        using var package = new NuGetPackage(packages.PackageFile("ActionGuard.Server"));

        Assert.Contains(package.Descendants("frameworkReference"), f => (string?)f.Attribute("name") == "Microsoft.AspNetCore.App");
        Assert.Contains(package.Descendants("dependency"), d => (string?)d.Attribute("id") == "Microsoft.Data.Sqlite");
    }

    [Fact]
    public void Tool_package_installs_the_actionguard_command_without_native_builds_for_platforms_that_cannot_run_tools()
    {
        using var package = new NuGetPackage(packages.PackageFile("ActionGuard.Cli"));

        Assert.Contains(package.Descendants("packageType"), t => (string?)t.Attribute("name") == "DotnetTool");
        var settings = package.ReadXml("tools/net10.0/any/DotnetToolSettings.xml");
        var command = Assert.Single(settings.Descendants("Command"));
        Assert.Equal("actionguard", (string?)command.Attribute("Name"));
        Assert.Equal("ActionGuard.Cli.dll", (string?)command.Attribute("EntryPoint"));
        Assert.Contains("tools/net10.0/any/ActionGuard.Server.dll", package.Entries);

        Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libe_sqlite3.so", package.Entries);
        Assert.Contains("tools/net10.0/any/runtimes/linux-musl-x64/native/libe_sqlite3.so", package.Entries);
        Assert.Contains("tools/net10.0/any/runtimes/osx-arm64/native/libe_sqlite3.dylib", package.Entries);
        Assert.Contains("tools/net10.0/any/runtimes/win-x64/native/e_sqlite3.dll", package.Entries);
        Assert.DoesNotContain(package.Entries, e => MobileRuntime().IsMatch(e));
    }

    [Fact]
    public void Tool_package_hosts_the_server_with_thread_pool_workers_that_do_not_spin()
    {
        using var package = new NuGetPackage(packages.PackageFile("ActionGuard.Cli"));

        using var runtimeConfig = System.Text.Json.JsonDocument.Parse(package.Read("tools/net10.0/any/ActionGuard.Cli.runtimeconfig.json"));
        var properties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Theory]
    [InlineData("ActionGuard", "lib/net10.0/ActionGuard.pdb")]
    [InlineData("ActionGuard.Testing", "lib/net10.0/ActionGuard.Testing.pdb")]
    [InlineData("ActionGuard.Server", "lib/net10.0/ActionGuard.Server.pdb")]
    [InlineData("ActionGuard.AI", "lib/net10.0/ActionGuard.AI.pdb")]
    [InlineData("ActionGuard.Mcp", "lib/net10.0/ActionGuard.Mcp.pdb")]
    [InlineData("ActionGuard.SemanticKernel", "lib/net10.0/ActionGuard.SemanticKernel.pdb")]
    public void Symbol_package_has_a_portable_pdb_whose_sources_link_to_the_packed_commit(string id, string pdb)
    {
        using var symbols = new NuGetPackage(packages.SymbolPackageFile(id));
        using var package = new NuGetPackage(packages.PackageFile(id));
        var commit = (string?)package.Element("repository")?.Attribute("commit");

        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(symbols.Read(pdb)));
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        Assert.NotNull(sourceLink);
        Assert.Contains($"https://raw.githubusercontent.com/actionguard/actionguard/{commit}/*", sourceLink, StringComparison.Ordinal);

        // Generated sources (assembly info, global usings) are not in git, so they are embedded in the PDB instead.
        var embedded = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == EmbeddedSourceKind && c.Parent.Kind == HandleKind.Document)
            .Select(c => reader.GetString(reader.GetDocument((DocumentHandle)c.Parent).Name))
            .ToList();
        Assert.Contains(embedded, name => name.EndsWith(".AssemblyInfo.cs", StringComparison.Ordinal));
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitId();

    [GeneratedRegex("/runtimes/(android|ios|iossimulator|maccatalyst|tvos|browser)-")]
    private static partial Regex MobileRuntime();
}
