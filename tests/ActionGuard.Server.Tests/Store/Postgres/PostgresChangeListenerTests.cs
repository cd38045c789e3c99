using ActionGuard.Client;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ActionGuard.Server.Tests.Store.Postgres;

// Two servers on one database, as behind a load balancer: a long poll held by one wakes when a person decides on the other.
[Collection(PostgresServer.Collection)]
public sealed class PostgresChangeListenerTests(PostgresServer postgres, IdpFixture fixture) : IClassFixture<IdpFixture>
{
    // Far longer than the waits below: a wake-up that came from the long-poll timeout would fail the test.
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(8);

    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task A_long_poll_on_one_instance_wakes_when_a_person_decides_on_another()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = await StartAsync(connectionString);
        await using var second = await StartAsync(connectionString);
        await WaitForSessionsAsync(first, 1);
        using var client = new ApprovalClient(new ApprovalClientOptions { Endpoint = first.BaseAddress, ApiKey = ServerHost.AgentKey });
        using var approverOnSecond = second.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(first.CreateClient(ServerHost.AgentKey));

        var held = client.GetApprovalAsync(id, LongPoll);
        await Task.Delay(300);
        Assert.False(held.IsCompleted);
        await Api.DecideAsync(approverOnSecond, id);

        var approved = await held.WaitAsync(Prompt);
        Assert.Equal(ApprovalStatus.Approved, approved.Status);
    }

    [Fact]
    public async Task After_its_connection_is_killed_the_listener_connects_again_and_wakes_waiters_again()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = await StartAsync(connectionString);
        await using var second = await StartAsync(connectionString);
        await WaitForSessionsAsync(first, 1);
        await WaitForSessionsAsync(second, 1);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;

        await using (var admin = new NpgsqlConnection(postgres.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app AND datname = @db;", admin);
            kill.Parameters.AddWithValue("app", PostgresChangeListener.ApplicationName);
            kill.Parameters.AddWithValue("db", database);
            Assert.Equal(2L, (long)(await kill.ExecuteScalarAsync())!);
        }

        await WaitForSessionsAsync(first, 2);
        using var client = new ApprovalClient(new ApprovalClientOptions { Endpoint = first.BaseAddress, ApiKey = ServerHost.AgentKey });
        using var approverOnSecond = second.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(first.CreateClient(ServerHost.AgentKey));
        var held = client.GetApprovalAsync(id, LongPoll);
        await Task.Delay(300);
        Assert.False(held.IsCompleted);
        await Api.DecideAsync(approverOnSecond, id);

        Assert.Equal(ApprovalStatus.Approved, (await held.WaitAsync(Prompt)).Status);
    }

    private Task<ServerHost> StartAsync(string connectionString) =>
        ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Store:Provider"] = "postgres";
            s["ActionGuard:Store:ConnectionString"] = connectionString;
        });

    private static async Task WaitForSessionsAsync(ServerHost host, long sessions)
    {
        var listener = host.Services.GetServices<IHostedService>().OfType<PostgresChangeListener>().Single();
        for (var i = 0; i < 400 && listener.Sessions < sessions; i++)
        {
            await Task.Delay(25);
        }

        Assert.True(listener.Sessions >= sessions, $"the listener started {listener.Sessions} sessions, expected {sessions}");
    }
}
