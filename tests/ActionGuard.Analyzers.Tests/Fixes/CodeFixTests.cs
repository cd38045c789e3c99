using ActionGuard.Analyzers.CodeFixes;
using ActionGuard.Analyzers.Tests.TestSupport;

namespace ActionGuard.Analyzers.Tests.Fixes;

public sealed class CodeFixTests
{
    private static TestOptions S3 => TestOptions.WithStubs(Stubs.AwsS3);

    private const string ExportSource = """
        using System.Threading.Tasks;
        using Amazon.S3;
        using Amazon.S3.Model;

        namespace Agents;

        public class Exporter(IAmazonS3 s3)
        {
            /// <summary>Exports the report.</summary>
            public async Task Export(PutObjectRequest request)
            {
                await s3.PutObjectAsync(request);
            }
        }
        """;

    private const string WrapSource = """
        using System.Threading;
        using System.Threading.Tasks;
        using ActionGuard;
        using Amazon.S3;
        using Amazon.S3.Model;

        public class Exporter(IAmazonS3 s3, IActionGuard guard)
        {
            public async Task Export(PutObjectRequest request, CancellationToken cancellationToken)
            {
                var before = 1;
                await s3.PutObjectAsync(request, cancellationToken);
                var after = before;
            }
        }
        """;

    private const string FixAllWrapSource = """
        using System.Threading;
        using System.Threading.Tasks;
        using ActionGuard;
        using Amazon.S3;
        using Amazon.S3.Model;

        public class Exporter(IAmazonS3 s3, IActionGuard guard)
        {
            public async Task Export(PutObjectRequest request, CancellationToken cancellationToken)
            {
                await s3.PutObjectAsync(request, cancellationToken);
                var between = 1;
                await s3.PutACLAsync(new PutACLRequest(), cancellationToken);
            }
        }
        """;

    private const string AttributedSource = """
        using System;
        using System.Threading.Tasks;
        using ActionGuard;
        using Amazon.S3;
        using Amazon.S3.Model;

        public class Admin(IAmazonS3 s3)
        {
            [Obsolete("use v2")]
            public Task Open() => s3.PutACLAsync(new PutACLRequest());
        }
        """;

    [Fact]
    public async Task Adds_RequiresApproval_with_the_kind_of_the_finding_and_the_using()
    {
        await Verifier.VerifyFixAsync(ExportSource, new AddRequiresApprovalCodeFixProvider(), "AddRequiresApproval_DataExport", options: S3);
    }

    [Fact]
    public async Task Adds_RequiresApproval_after_existing_attributes()
    {
        await Verifier.VerifyFixAsync(AttributedSource, new AddRequiresApprovalCodeFixProvider(), "AddRequiresApproval_PermissionChange", options: S3);
    }

    [Fact]
    public async Task Wraps_an_awaited_statement_in_the_guard_in_scope()
    {
        await Verifier.VerifyFixAsync(WrapSource, new WrapInGuardCodeFixProvider(), "WrapInGuard_Awaited", options: S3);
    }

    [Fact]
    public async Task Wraps_a_synchronous_statement_using_a_guard_field()
    {
        await Verifier.VerifyFixAsync("""
            using System.IO;
            using System.Threading.Tasks;
            using ActionGuard;

            public class Files
            {
                private readonly IActionGuard _guard;

                public Files(IActionGuard guard) => _guard = guard;

                public async Task Open(string path)
                {
                    File.SetUnixFileMode(path, UnixFileMode.OtherWrite);
                    await Task.Yield();
                }
            }
            """, new WrapInGuardCodeFixProvider(), "WrapInGuard_Synchronous");
    }

    // The fixes write the file's own line ending (or .editorconfig's end_of_line), never a fixed "\n" or CRLF; the
    // verifier fails on the first line break that differs, and the golden files are shared with the LF tests above.
    [Fact]
    public async Task Adding_the_attribute_keeps_a_CRLF_file_CRLF()
    {
        await Verifier.VerifyFixAsync(ExportSource.ReplaceLineEndings("\r\n"), new AddRequiresApprovalCodeFixProvider(), "AddRequiresApproval_DataExport", options: S3);
    }

    [Fact]
    public async Task Adding_the_attribute_follows_end_of_line_lf_from_editorconfig()
    {
        var options = S3;
        options.EditorConfig = "end_of_line = lf";
        await Verifier.VerifyFixAsync(ExportSource, new AddRequiresApprovalCodeFixProvider(), "AddRequiresApproval_DataExport", options: options);
    }

    [Fact]
    public async Task Adding_the_attribute_after_existing_ones_keeps_a_CRLF_file_CRLF()
    {
        await Verifier.VerifyFixAsync(AttributedSource.ReplaceLineEndings("\r\n"), new AddRequiresApprovalCodeFixProvider(), "AddRequiresApproval_PermissionChange", options: S3);
    }

    [Fact]
    public async Task Wrapping_keeps_a_CRLF_file_CRLF()
    {
        await Verifier.VerifyFixAsync(WrapSource.ReplaceLineEndings("\r\n"), new WrapInGuardCodeFixProvider(), "WrapInGuard_Awaited", options: S3);
    }

    [Fact]
    public async Task Fix_All_wrapping_keeps_a_CRLF_file_CRLF()
    {
        await Verifier.VerifyFixAllAsync(FixAllWrapSource.ReplaceLineEndings("\r\n"), new WrapInGuardCodeFixProvider(), "FixAll_WrapInGuard", incrementalIterations: 2, options: S3);
    }

    [Fact]
    public async Task Fix_All_adds_one_attribute_per_method_with_the_kind_of_its_first_finding()
    {
        var left = await Verifier.VerifyFixAllAsync("""
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            public class Exporter(IAmazonS3 s3)
            {
                public async Task Export(PutObjectRequest request)
                {
                    await s3.PutObjectAsync(request);
                    await s3.PutObjectAsync(request);
                }

                public Task Share() => s3.PutACLAsync(new PutACLRequest());

                public async Task Both(PutObjectRequest request)
                {
                    await s3.PutObjectAsync(request);
                    await s3.PutACLAsync(new PutACLRequest());
                }
            }
            """, new AddRequiresApprovalCodeFixProvider(), "FixAll_AddRequiresApproval", incrementalIterations: 3, options: S3);

        // The attribute is single-use: the method doing two kinds of thing keeps its other finding to decide on.
        var remaining = Assert.Single(left, d => d.Id is "AG0001" or "AG0002");
        Assert.Equal("AG0002", remaining.Id);
    }

    [Fact]
    public async Task Fix_All_wraps_every_flagged_statement_once()
    {
        var left = await Verifier.VerifyFixAllAsync(FixAllWrapSource, new WrapInGuardCodeFixProvider(), "FixAll_WrapInGuard", incrementalIterations: 2, options: S3);

        Assert.DoesNotContain(left, d => d.Id is "AG0001" or "AG0002");
        Assert.DoesNotContain(left, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task No_wrap_is_offered_without_a_guard_in_scope_or_outside_async_methods()
    {
        foreach (var source in new[]
        {
            """
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;
            public class Exporter(IAmazonS3 s3)
            {
                public async Task Export(PutObjectRequest request) { await s3.PutObjectAsync(request); }
            }
            """,
            """
            using ActionGuard;
            using Amazon.S3;
            using Amazon.S3.Model;
            public class Exporter(IAmazonS3 s3, IActionGuard guard)
            {
                public void Export(PutObjectRequest request) { s3.PutObjectAsync(request).Wait(); }
            }
            """,
        })
        {
            await Verifier.VerifyNoFixAsync(source, new WrapInGuardCodeFixProvider(), S3);
        }
    }
}
