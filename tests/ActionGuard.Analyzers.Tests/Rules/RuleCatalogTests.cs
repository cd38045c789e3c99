using ActionGuard.Analyzers.Catalog;
using ActionGuard.Analyzers.Tests.TestSupport;

namespace ActionGuard.Analyzers.Tests.Rules;

public sealed class RuleCatalogTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActionGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ActionGuard.sln not found");
    }

    [Fact]
    public void Every_rule_has_a_doc_page_its_help_link_points_at_and_a_release_entry()
    {
        var root = RepositoryRoot();
        var unshipped = File.ReadAllText(Path.Combine(root, "analyzers", "ActionGuard.Analyzers", "AnalyzerReleases.Unshipped.md"));
        var descriptors = Verifier.AllAnalyzers.SelectMany(a => a.SupportedDiagnostics).DistinctBy(d => d.Id).ToList();

        Assert.Equal(8, descriptors.Count);
        foreach (var descriptor in descriptors)
        {
            Assert.Equal($"https://github.com/actionguard/actionguard/blob/main/docs/rules/{descriptor.Id}.md", descriptor.HelpLinkUri);
            var page = File.ReadAllText(Path.Combine(root, "docs", "rules", descriptor.Id + ".md"));
            Assert.StartsWith($"# {descriptor.Id}: {descriptor.Title}", page, StringComparison.Ordinal);
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity}", unshipped, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Built_in_catalog_parses_and_covers_every_required_family()
    {
        var ids = SensitiveApiCatalog.BuiltInEntries.Select(e => e.Id).ToList();
        Assert.True(ids.Count >= 100, $"only {ids.Count} entries");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var prefix in new[]
        {
            "M:Amazon.S3.", "M:Amazon.IdentityManagement.", "M:Amazon.EC2.", "M:Amazon.SecurityToken.", "M:Azure.Storage.Blobs.",
            "M:Azure.Storage.Files.DataLake.", "M:Azure.ResourceManager.Authorization.", "M:Azure.ResourceManager.KeyVault.",
            "M:Azure.ResourceManager.Resources.", "M:Google.Cloud.Storage.V1.", "M:Google.Cloud.Compute.V1.", "M:k8s.",
            "M:Microsoft.Graph.", "M:Microsoft.Data.SqlClient.SqlBulkCopy.", "M:System.IO.File.SetUnixFileMode", "M:System.Diagnostics.Process.Start",
        })
        {
            Assert.Contains(ids, id => id.StartsWith(prefix, StringComparison.Ordinal));
        }
    }
}
