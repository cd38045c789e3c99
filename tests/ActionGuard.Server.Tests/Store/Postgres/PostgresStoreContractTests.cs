using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Tests.TestSupport;
using Npgsql;

namespace ActionGuard.Server.Tests.Store.Postgres;

// Each test gets its own database on the run's PostgreSQL; peers are separate store instances, as separate servers are.
[Collection(PostgresServer.Collection)]
public sealed class PostgresStoreContractTests(PostgresServer server) : DatabaseStoreContractTests
{
    private string _connectionString = string.Empty;
    private IServerStore? _peer;

    protected override async Task PrepareAsync() => _connectionString = await server.CreateDatabaseAsync();

    private protected override IServerStore Open() => new PostgresStore(_connectionString);

    private protected override IServerStore Peer()
    {
        if (_peer is null)
        {
            // The schema is there already; a second instance initializing again must be harmless.
            _peer = Track(Open());
            _peer.InitializeAsync().GetAwaiter().GetResult();
        }

        return _peer;
    }

    protected override async Task<object?> RawAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    protected override Task CleanUpAsync() => Task.CompletedTask;
}
