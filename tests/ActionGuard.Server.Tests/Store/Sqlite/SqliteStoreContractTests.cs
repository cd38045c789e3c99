using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Sqlite;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActionGuard.Server.Tests.Store.Sqlite;

// The SQLite store keeps its audit tail in process, so it supports one instance per database: its "peer" is itself.
public sealed class SqliteStoreContractTests : DatabaseStoreContractTests
{
    private readonly string _folder = ServerHost.NewDataDirectory();
    private SqliteStore? _first;

    protected override Task PrepareAsync() => Task.CompletedTask;

    private protected override IServerStore Open()
    {
        var store = new SqliteStore(_folder);
        _first ??= store;
        return store;
    }

    private protected override IServerStore Peer() => Store;

    protected override Task<object?> RawAsync(string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + Path.Combine(_folder, SqliteStore.FileName));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Task.FromResult(command.ExecuteScalar());
    }

    protected override Task CleanUpAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}
