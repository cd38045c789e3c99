using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;
using ActionGuard.Server.Tests.Notifications;

namespace ActionGuard.Server.Tests.Store;

// What a store over a database keeps besides the contract: its schema, and an audit log that shows tampering done in
// the database behind the server's back.
public abstract class DatabaseStoreContractTests : ApprovalStoreContractTests
{
    /// <summary>Runs SQL on the test's database outside the store (to tamper or inspect); returns the first column of the first row.</summary>
    protected abstract Task<object?> RawAsync(string sql);

    [Fact]
    public async Task An_empty_database_gets_the_whole_schema_and_initializing_again_changes_nothing()
    {
        var versions = Convert.ToInt64(await RawAsync("SELECT COUNT(*) FROM schema_version;"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(versions >= 1);
        Assert.True(await Store.PingAsync());
        var record = Samples.Pending();
        await Store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], []);

        var again = await OpenInitializedAsync();

        Assert.Equal(versions, Convert.ToInt64(await RawAsync("SELECT COUNT(*) FROM schema_version;"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(record.Id, (await again.GetAsync(record.Id))?.Id);
        await again.AppendAuditAsync([Entry(AuditTypes.Notified, record.Id)]);
        Assert.Equal([1L, 2L], (await again.ReadAuditAsync(0, 10)).Select(r => r.Seq));
        Assert.True((await new AuditVerifier(again).VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task A_database_from_a_newer_server_is_refused()
    {
        await RawAsync("INSERT INTO schema_version (version) VALUES (99);");

        var error = await Assert.ThrowsAsync<StoreException>(() => Track(Open()).InitializeAsync());

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE audit SET data = '{\"verdict\":\"deny\"}' WHERE seq = 2", 2)]
    [InlineData("UPDATE audit SET actor = 'user:mallory@x' WHERE seq = 3", 3)]
    [InlineData("UPDATE audit SET at = '2020-01-01T00:00:00.0000000Z' WHERE seq = 1", 1)]
    [InlineData("UPDATE audit SET hash = 'ffff' WHERE seq = 2", 2)]
    [InlineData("DELETE FROM audit WHERE seq = 2", 2)]
    public async Task Verification_finds_the_first_tampered_record(string tamper, long brokenSeq)
    {
        await Store.AppendAuditAsync([Entry(AuditTypes.Requested, "apr_a"), Entry(AuditTypes.Decided, "apr_a"), Entry(AuditTypes.Approved, "apr_a"), Entry(AuditTypes.Claimed, "apr_a")]);
        Assert.True((await new AuditVerifier(Store).VerifyAsync(CancellationToken.None)).Ok);

        await RawAsync(tamper);
        var (ok, _, firstBroken) = await new AuditVerifier(Store).VerifyAsync(CancellationToken.None);

        Assert.False(ok);
        Assert.Equal(brokenSeq, firstBroken);
    }
}
