namespace ActionGuard.Server.Store;

/// <summary>
/// Where the backend keeps approvals, the audit log and its signing keys (section <c>ActionGuard:Store</c>): an embedded
/// SQLite database in <see cref="ActionGuardServerOptions.DataDirectory"/> (the default, one instance), or a PostgreSQL
/// database that several instances behind a load balancer share.
/// </summary>
public sealed class StoreOptions
{
    /// <summary>The <see cref="Provider"/> of the embedded SQLite store.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The <see cref="Provider"/> of the PostgreSQL store.</summary>
    public const string Postgres = "postgres";

    /// <summary>Gets or sets the store: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Gets or sets the Npgsql connection string of the PostgreSQL database (<c>Host=…;Database=…;Username=…;Password=…</c>);
    /// required with <c>postgres</c>. It may hold a password: it is never logged, so keep it in an environment variable
    /// (<c>ActionGuard__Store__ConnectionString</c>) or a secret store.
    /// </summary>
    public string? ConnectionString { get; set; }

    internal bool IsPostgres => IsPostgresName(Provider);

    internal static bool IsPostgresName(string? provider) => string.Equals(provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);
}
