using System.Reflection;
using System.Runtime.CompilerServices;

namespace ActionGuard.TestSupport;

// Golden files live beside the test sources. [CallerFilePath] is path-mapped to "/_/" in CI builds
// (ContinuousIntegrationBuild), so the mapped prefix is turned back into the repository folder that the
// build recorded in the assembly's metadata.
internal static class SourceFiles
{
    private const string MappedRoot = "/_/";

    public static string DirectoryOf([CallerFilePath] string sourceFile = "")
    {
        var path = sourceFile;
        if (path.StartsWith(MappedRoot, StringComparison.Ordinal))
        {
            var root = typeof(SourceFiles).Assembly
                .GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ActionGuard.RepositoryRoot")?.Value
                ?? throw new InvalidOperationException("The test assembly does not record ActionGuard.RepositoryRoot; see Directory.Build.targets.");
            path = Path.Combine(root, path[MappedRoot.Length..]);
        }

        return Path.GetDirectoryName(path)!;
    }
}
