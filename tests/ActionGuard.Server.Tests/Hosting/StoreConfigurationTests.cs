using ActionGuard.Server.Hosting;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Store.Sqlite;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Tests.Hosting;

public sealed class StoreConfigurationTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const string Password = "pw-do-not-log-7731";

    private TestOidcIssuer Idp => fixture.Idp;

    [Theory]
    [InlineData("mysql", null, "ActionGuard:Store:Provider")]
    [InlineData("postgres", null, "ActionGuard:Store:ConnectionString is required")]
    [InlineData("postgres", " ", "ActionGuard:Store:ConnectionString is required")]
    [InlineData("postgres", "Database=actionguard;Password=" + Password, "ActionGuard:Store:ConnectionString must name the server")]
    [InlineData("postgres", "Host=db;Pasword=" + Password, "ActionGuard:Store:ConnectionString is not a valid")]
    [InlineData("Postgres", "this is not key=value;;=" + Password, "ActionGuard:Store:ConnectionString is not a valid")]
    public async Task An_unusable_store_configuration_stops_the_start_naming_the_key_and_never_the_password(string provider, string? connectionString, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Store:Provider"] = provider;
            s["ActionGuard:Store:ConnectionString"] = connectionString;
        }));

        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_provider_the_store_is_SQLite_in_the_data_directory()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);

        var store = Assert.IsType<SqliteStore>(host.Services.GetRequiredService<IApprovalStore>());
        Assert.Equal(Path.GetFullPath(Path.Combine(host.DataDirectory, SqliteStore.FileName)), store.DatabasePath);
        Assert.StartsWith("SQLite ", store.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is ActionGuard.Server.Store.Postgres.PostgresChangeListener);
        Assert.Same(store, host.Services.GetRequiredService<IAuditStore>());
        Assert.Same(store, host.Services.GetRequiredService<IStoreLifecycle>());
    }
}
