using ActionGuard.Analyzers.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ActionGuard.Analyzers.Tests.Rules;

public sealed class ConfigurationTests
{
    private const string Source = """
        using System.Threading.Tasks;
        using Amazon.S3;
        using Amazon.S3.Model;

        namespace Agents
        {
            public class Mailer
            {
                public Task SendReport(string to) => Task.CompletedTask;
                public Task Preview(string to) => Task.CompletedTask;
            }

            class Exporter(IAmazonS3 s3, Mailer mailer)
            {
                public async Task Run(PutObjectRequest request)
                {
                    await {|AG0001:s3.PutObjectAsync(request)|};
                    await {|AG0001:mailer.SendReport("a@example.com")|};
                    await mailer.Preview("a@example.com");
                }
            }
        }
        """;

    [Fact]
    public async Task User_catalog_adds_entries_with_their_kind_and_message()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", """
            // Our own export path
            M:Agents.Mailer.SendReport(System.String);DataExport;mails a report outside the company
            """));
        await Verifier.VerifyAsync(Source, options);

        var mail = (await AnalyzerRun.DiagnosticsAsync(Source, options)).Single(d => d.GetMessage().Contains("Mailer", StringComparison.Ordinal));
        Assert.Contains("mails a report outside the company", mail.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_catalog_Ignore_silences_a_built_in_entry()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.AdditionalFiles.Add(("ActionGuard.SensitiveApis.txt", """
            M:Amazon.S3.IAmazonS3.PutObjectAsync;Ignore;our bucket is the company's own
            M:Agents.Mailer.SendReport(System.String);DataExport;mails a report
            """));
        await Verifier.VerifyAsync(Source.Replace("{|AG0001:s3.PutObjectAsync(request)|}", "s3.PutObjectAsync(request)", StringComparison.Ordinal), options);
    }

    [Fact]
    public async Task Files_with_other_names_are_not_catalogs()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.AdditionalFiles.Add(("BannedSymbols.txt", "M:Agents.Mailer.SendReport(System.String);DataExport;x"));
        await Verifier.VerifyAsync(Source.Replace("{|AG0001:mailer.SendReport(\"a@example.com\")|}", "mailer.SendReport(\"a@example.com\")", StringComparison.Ordinal), options);
    }

    [Fact]
    public async Task Invalid_catalog_lines_are_reported_at_their_line()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", """
            // comment
            M:Agents.Mailer.SendReport(System.String);DataExport;mails a report

            M:Agents.Mailer.Preview;Exfiltration;typo in the kind
            Agents.Mailer.Preview;DataExport;no prefix
            M:Agents.Mailer.Preview
            """));
        var errors = (await AnalyzerRun.DiagnosticsAsync(Source, options)).Where(d => d.Id == "AG0008").OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line).ToList();

        Assert.Equal([3, 4, 5], errors.Select(e => e.Location.GetLineSpan().StartLinePosition.Line));
        Assert.All(errors, e => Assert.EndsWith("ActionGuard.Sensitive.txt", e.Location.GetLineSpan().Path, StringComparison.Ordinal));
        Assert.Contains("'Exfiltration' is not a kind", errors[0].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("not a documentation-comment ID", errors[1].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("needs at least", errors[2].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editorconfig_sets_severity_per_rule()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.EditorConfig = "dotnet_diagnostic.AG0001.severity = error\ndotnet_diagnostic.AG0002.severity = none";
        var diagnostics = await AnalyzerRun.DiagnosticsAsync("""
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            class Admin(IAmazonS3 s3)
            {
                public async Task Run()
                {
                    await s3.PutObjectAsync(new PutObjectRequest());
                    await s3.PutACLAsync(new PutACLRequest());
                }
            }
            """, options);

        var export = Assert.Single(diagnostics, d => d.Id == "AG0001");
        Assert.Equal(DiagnosticSeverity.Error, export.Severity);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AG0002");
    }
}
