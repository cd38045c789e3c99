using System.Net;
using ActionGuard.Client;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Hosting;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Store.Sqlite;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.EndToEnd;

// The real server on Kestrel with the PostgreSQL store, and the SDK, unchanged, making a guarded call a person approves.
[Collection(PostgresServer.Collection)]
public sealed class PostgresEndToEndTests(PostgresServer postgres, IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task A_guarded_call_runs_once_a_person_approves_on_a_server_with_the_postgres_store()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Store:Provider"] = "postgres";
            s["ActionGuard:Store:ConnectionString"] = connectionString;
        });
        var store = Assert.IsType<PostgresStore>(host.Services.GetRequiredService<IApprovalStore>());
        Assert.DoesNotContain("Password", store.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Single(host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PostgresChangeListener>());
        Assert.Same(store, host.Services.GetRequiredService<IOutboxStore>());
        await using var services = SdkEndToEndTests.AgentServices(host);
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = 0;
        var action = new GuardedAction(ActionKind.DataExport, "Exporter.Export")
        {
            Resource = "crm://customers",
            Destination = "s3://exports/q3.csv",
            Initiator = new ApprovalParty { Issuer = Idp.Issuer, Subject = "dana" },
            Arguments = [new ActionArgument("segment", "emea"), new ActionArgument("apiKey", "sk-secret-value", IsSensitive: true)],
        };

        var run = guard.ExecuteAsync(action, _ => { Interlocked.Increment(ref ran); return Task.FromResult(42); });
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        var id = await SdkEndToEndTests.WaitForPendingAsync(approver);
        Assert.Equal(0, ran);
        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, id)).Status);

        Assert.Equal(42, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, ran);
        await AgentOutcomes.ReportedAsync(services);
        Assert.Equal("succeeded", (await Api.GetAsync(approver, "v1/approvals/" + id)).ApprovalStatus);
        Assert.False(File.Exists(Path.Combine(host.DataDirectory, SqliteStore.FileName)));
        var trail = await store.ReadAuditForApprovalAsync(id);
        Assert.Equal([AuditTypes.Requested, AuditTypes.Decided, AuditTypes.Approved, AuditTypes.Claimed, AuditTypes.Succeeded], trail.Select(r => r.Type));
        Assert.True((await new AuditVerifier(store).VerifyAsync(CancellationToken.None)).Ok);
        Assert.Single(await store.GetSigningKeysAsync());
    }
}
