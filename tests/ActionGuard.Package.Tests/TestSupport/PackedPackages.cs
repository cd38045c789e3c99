using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace ActionGuard.Package.Tests.TestSupport;

/// <summary>
/// Packs every shipping project once, into a folder feed under the temporary directory, with a version no earlier run
/// used, so NuGet's global packages folder can never hand a consumer a stale copy. Removes the feed, the consumer
/// projects and those versions from the global packages folder afterwards.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    /// <summary>The package ids this repository ships.</summary>
    public static readonly IReadOnlyList<string> Ids = ["ActionGuard", "ActionGuard.Testing", "ActionGuard.Server", "ActionGuard.Cli", "ActionGuard.AI", "ActionGuard.Mcp", "ActionGuard.SemanticKernel"];

    private static readonly string[] Projects =
    [
        "src/ActionGuard/ActionGuard.csproj",
        "src/ActionGuard.Testing/ActionGuard.Testing.csproj",
        "src/ActionGuard.Server/ActionGuard.Server.csproj",
        "src/ActionGuard.Cli/ActionGuard.Cli.csproj",
        "src/ActionGuard.AI/ActionGuard.AI.csproj",
        "src/ActionGuard.Mcp/ActionGuard.Mcp.csproj",
        "src/ActionGuard.SemanticKernel/ActionGuard.SemanticKernel.csproj",
    ];

    private DotnetResult? _pack;

    public PackedPackages()
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        Root = Path.Combine(Path.GetTempPath(), "actionguard-package-" + unique);
        Feed = Path.Combine(Root, "feed");

        // A letter first: a numeric SemVer identifier may not start with 0.
        Version = "0.0.0-test.t" + unique;
        RepositoryRoot = Metadata("ActionGuard.RepositoryRoot");
        Configuration = Metadata("ActionGuard.Configuration");
    }

    public string Root { get; }

    public string Feed { get; }

    public string Version { get; }

    public string RepositoryRoot { get; }

    public string Configuration { get; }

    /// <summary>The pack command, for messages about what it produced.</summary>
    public DotnetResult Pack => _pack ?? throw new InvalidOperationException("Not packed yet.");

    public string PackageFile(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackageFile(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);

        // One pack for all packages. The test project references the shipping projects, so they are built, in this
        // configuration, before any test runs; packing without building reads those outputs and writes nothing into
        // the repository's build outputs while other test projects run.
        var filter = Path.Combine(Root, "packages.slnf");
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new
        {
            solution = new { path = Path.Combine(RepositoryRoot, "ActionGuard.sln"), projects = Projects },
        }));

        _pack = await DotnetCli.RunAsync(
            Root,
            ["pack", filter, "-c", Configuration, "--no-build", "-o", Feed, $"-p:PackageVersion={Version}"]);
        if (!_pack.Succeeded)
        {
            throw new InvalidOperationException("Packing failed: " + _pack);
        }

        foreach (var id in Ids)
        {
            if (!File.Exists(PackageFile(id)))
            {
                throw new InvalidOperationException($"{id}.{Version}.nupkg was not produced: {_pack}");
            }
        }
    }

    /// <summary>
    /// A new folder for a project outside the repository: a nuget.config with only the feed and the repository's own
    /// upstream sources, the repository's SDK selection, and empty Directory.* files so nothing above it is imported.
    /// </summary>
    public string CreateProjectDirectory(string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), NuGetConfig());
        foreach (var stub in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(directory, stub), "<Project />\n");
        }

        var globalJson = Path.Combine(RepositoryRoot, "global.json");
        if (File.Exists(globalJson))
        {
            File.Copy(globalJson, Path.Combine(directory, "global.json"));
        }

        return directory;
    }

    public Task DisposeAsync()
    {
        TryDelete(Root);
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(globalPackages))
        {
            globalPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        foreach (var id in Ids)
        {
            TryDelete(Path.Combine(globalPackages, id.ToLowerInvariant(), Version.ToLowerInvariant()));
        }

        return Task.CompletedTask;
    }

    private string NuGetConfig()
    {
        var upstream = XDocument.Load(Path.Combine(RepositoryRoot, "nuget.config"))
            .Descendants("packageSources").Elements("add")
            .Select(e => new XElement("add", new XAttribute("key", (string)e.Attribute("key")!), new XAttribute("value", (string)e.Attribute("value")!)));
        var config = new XDocument(
            new XElement("configuration",
                new XElement("packageSources",
                    new XElement("clear"),
                    new XElement("add", new XAttribute("key", "actionguard-under-test"), new XAttribute("value", Feed)),
                    upstream)));
        return config.ToString();
    }

    private static string Metadata(string key) =>
        typeof(PackedPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The test assembly does not record {key}; see its project file."));

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
