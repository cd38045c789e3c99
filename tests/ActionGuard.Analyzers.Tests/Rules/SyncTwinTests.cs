using ActionGuard.Analyzers.Tests.TestSupport;

namespace ActionGuard.Analyzers.Tests.Rules;

// A catalogued XxxAsync brings its synchronous Xxx along (and the other way round): SDKs ship both, and agent code
// calls either. Exact entries and the user's catalog still decide first.
public sealed class SyncTwinTests
{
    private const string Usings = """
        using System.Threading.Tasks;
        using ActionGuard;
        using Amazon.S3;
        using Amazon.S3.Model;

        """;

    [Fact]
    public async Task The_sync_twin_of_a_catalogued_async_method_is_reported_with_the_same_rule()
    {
        await Verifier.VerifyAsync(Usings + """
            class Admin(IAmazonS3 s3, AmazonS3Client client)
            {
                public void Open()
                {
                    {|AG0002:s3.PutACL(new PutACLRequest())|};
                    {|AG0002:client.PutACL(new PutACLRequest())|};
                }
            }
            """, TestOptions.WithStubs(Stubs.AwsS3));
    }

    [Fact]
    public async Task A_read_method_with_a_sync_twin_stays_quiet()
    {
        await Verifier.VerifyAsync(Usings + """
            class Reader(IAmazonS3 s3)
            {
                public void Read() => s3.GetObject(new GetObjectRequest());
            }
            """, TestOptions.WithStubs(Stubs.AwsS3));
    }

    [Fact]
    public async Task Ignoring_the_async_method_in_the_users_catalog_silences_its_twin_too()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", "M:Amazon.S3.IAmazonS3.PutACLAsync;Ignore;reviewed elsewhere"));

        await Verifier.VerifyAsync(Usings + """
            class Admin(IAmazonS3 s3)
            {
                public async Task Open()
                {
                    s3.PutACL(new PutACLRequest());
                    await s3.PutACLAsync(new PutACLRequest());
                }
            }
            """, options);
    }

    [Fact]
    public async Task An_explicit_entry_for_the_twin_wins_over_the_derived_one()
    {
        var options = TestOptions.WithStubs(Stubs.AwsS3);
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", "M:Amazon.S3.IAmazonS3.PutACL;DataExport;hands the object to whoever the ACL names"));

        await Verifier.VerifyAsync(Usings + """
            class Admin(IAmazonS3 s3)
            {
                public async Task Open()
                {
                    {|AG0001:s3.PutACL(new PutACLRequest())|};
                    await {|AG0002:s3.PutACLAsync(new PutACLRequest())|};
                }
            }
            """, options);
    }
}
