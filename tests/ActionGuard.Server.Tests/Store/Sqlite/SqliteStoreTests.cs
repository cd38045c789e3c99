using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Sqlite;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActionGuard.Server.Tests.Store.Sqlite;

public sealed class SqliteStoreTests
{
    [Fact]
    public async Task First_start_creates_the_folder_the_database_in_WAL_mode_and_the_schema_version()
    {
        var folder = ServerHost.NewDataDirectory();
        using (var store = new SqliteStore(folder))
        {
            await store.InitializeAsync();
            Assert.True(File.Exists(Path.Combine(folder, SqliteStore.FileName)));
            Assert.True(await store.PingAsync());
        }

        using var connection = new SqliteConnection("Data Source=" + Path.Combine(folder, SqliteStore.FileName));
        connection.Open();
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
        using var version = connection.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version;";
        Assert.Equal((long)SqliteSchema.Migrations.Count, (long)version.ExecuteScalar()!);
        connection.Close();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task Initializing_again_does_not_migrate_twice()
    {
        var folder = ServerHost.NewDataDirectory();
        using (var store = new SqliteStore(folder))
        {
            await store.InitializeAsync();
        }

        using (var again = new SqliteStore(folder))
        {
            await again.InitializeAsync();
            again.ExecuteRaw("SELECT 1;");
        }

        using var connection = new SqliteConnection("Data Source=" + Path.Combine(folder, SqliteStore.FileName));
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM schema_version;";
        Assert.Equal((long)SqliteSchema.Migrations.Count, (long)count.ExecuteScalar()!);
        connection.Close();
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_database_from_a_newer_server_is_refused()
    {
        var folder = ServerHost.NewDataDirectory();
        using (var store = new SqliteStore(folder))
        {
            await store.InitializeAsync();
            store.ExecuteRaw("INSERT INTO schema_version (version) VALUES (99);");
        }

        using var newer = new SqliteStore(folder);
        var error = await Assert.ThrowsAsync<StoreException>(() => newer.InitializeAsync());
        Assert.Contains("schema version 99", error.Message);
        SqliteConnection.ClearAllPools();
    }
}
