using System.Reflection;

namespace ActionGuard.Analyzers.Tests.Catalog;

/// <summary>A real SDK package the test project downloads (see its csproj), and the packages its types derive from.</summary>
internal sealed record RealPackage(string Id, string Version, params RealPackage[] Dependencies)
{
    private static readonly string[] PreferredFrameworks = ["net10.0", "net8.0", "netstandard2.1", "netstandard2.0"];

    private static readonly Lazy<string> PackageRoot = new(() =>
        typeof(RealPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ActionGuard.NuGetPackageRoot")?.Value
        ?? throw new InvalidOperationException("The test assembly does not record ActionGuard.NuGetPackageRoot; see its csproj."));

    public static RealPackage AwsCore { get; } = new("AWSSDK.Core", "4.1.1");

    public static RealPackage AzureCore { get; } = new("Azure.Core", "1.65.0");

    public static RealPackage GoogleApisCore { get; } = new("Google.Apis.Core", "1.78.0");

    public static RealPackage Kiota { get; } = new("Microsoft.Kiota.Abstractions", "2.1.6");

    /// <summary>The packages whose surface is checked, by id.</summary>
    public static IReadOnlyDictionary<string, RealPackage> Checked { get; } = new[]
    {
        new RealPackage("AWSSDK.S3", "4.1.0.1", AwsCore),
        new RealPackage("AWSSDK.EC2", "4.1.3", AwsCore),
        new RealPackage("AWSSDK.KeyManagementService", "4.1.1", AwsCore),
        new RealPackage("AWSSDK.SecurityToken", "4.1.0.1", AwsCore),
        new RealPackage("Azure.Storage.Blobs", "12.30.1", AzureCore, new("Azure.Storage.Common", "12.29.0")),
        new RealPackage("Azure.ResourceManager", "1.7.0", AzureCore),
        new RealPackage("Azure.ResourceManager.Compute", "1.2.0", AzureCore, new("Azure.ResourceManager", "1.7.0")),
        new RealPackage("KubernetesClient", "21.0.8"),
        new RealPackage("Google.Cloud.Storage.V1", "5.0.0", GoogleApisCore, new("Google.Apis", "1.78.0"), new("Google.Apis.Storage.v1", "1.78.0.4299")),
        new RealPackage("Microsoft.Graph", "6.10.0", Kiota, new("Microsoft.Graph.Core", "4.0.1")),
    }.ToDictionary(p => p.Id);

    /// <summary>Packages the evaluation corpus also needs to bind its calls (types in the SDKs' signatures).</summary>
    public static IReadOnlyList<RealPackage> CorpusDependencies { get; } =
    [
        new("System.ClientModel", "1.17.0"),
        new("System.Memory.Data", "11.0.0"),
        new("Azure.Storage.Common", "12.29.0"),
        new("Google.Apis", "1.78.0"),
        new("Google.Apis.Storage.v1", "1.78.0.4299"),
        new("Google.Apis.Auth", "1.78.0"),
        new("Google.Api.Gax", "4.16.0"),
        new("Google.Api.Gax.Rest", "4.16.0"),
        new("Microsoft.Graph.Core", "4.0.1"),
        AwsCore,
        AzureCore,
        GoogleApisCore,
        Kiota,
    ];

    /// <summary>Gets the framework folder the assembly was read from, for example <c>lib/net8.0</c>.</summary>
    public string Framework => Path.GetRelativePath(Folder, Path.GetDirectoryName(AssemblyPath)!).Replace('\\', '/');

    /// <summary>Gets the path of the package's main assembly for the newest framework it ships.</summary>
    public string AssemblyPath
    {
        get
        {
            foreach (var framework in PreferredFrameworks)
            {
                var path = Path.Combine(Folder, "lib", framework, Id + ".dll");
                if (File.Exists(path))
                {
                    return path;
                }
            }

            throw new InvalidOperationException($"{Id} {Version} has no assembly under {Folder}/lib; restore the test project.");
        }
    }

    /// <summary>Gets the main assembly of this package and of every dependency, transitively.</summary>
    public IEnumerable<string> AllAssemblyPaths() =>
        new[] { AssemblyPath }.Concat(Dependencies.SelectMany(d => d.AllAssemblyPaths())).Distinct();

    private string Folder => Path.Combine(PackageRoot.Value, Id.ToLowerInvariant(), Version);
}
