namespace ActionGuard.Server.Tests.TestSupport;

// Every test class that needs PostgreSQL joins this collection, so the run starts one server and shares it.
[CollectionDefinition(PostgresServer.Collection)]
public sealed class PostgresGroup : ICollectionFixture<PostgresServer>
{
}
