using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Conformance;

// The server over HTTP on its default store, SQLite.
public sealed class SqliteServerConformanceTests : ProtocolConformanceTests
{
    protected override async Task<ConformanceBackend> StartBackendAsync() => await HttpServerBackend.StartAsync();
}

// The server over HTTP on PostgreSQL, a database of its own per test.
[Collection(PostgresServer.Collection)]
public sealed class PostgresServerConformanceTests(PostgresServer postgres) : ProtocolConformanceTests
{
    protected override async Task<ConformanceBackend> StartBackendAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        return await HttpServerBackend.StartAsync(s =>
        {
            s["ActionGuard:Store:Provider"] = "postgres";
            s["ActionGuard:Store:ConnectionString"] = connectionString;
        });
    }
}

// ActionGuard.Testing's in-memory backend: the server's approval service on an in-memory store, without HTTP.
public sealed class InMemoryBackendConformanceTests : ProtocolConformanceTests
{
    protected override Task<ConformanceBackend> StartBackendAsync() => Task.FromResult<ConformanceBackend>(new InMemoryBackend());
}
