using ActionGuard.Server.Waiting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ActionGuard.Server.Store.Postgres;

/// <summary>
/// Wakes this instance's long polls and event streams when another instance changes an approval: the store announces
/// each committed change with <c>NOTIFY</c>, and one connection here <c>LISTEN</c>s and feeds <see cref="ApprovalSignals"/>.
/// A lost connection is opened again after a growing delay; every waiter is then woken to read its approval again, so a
/// notification missed meanwhile costs nothing, and one missed otherwise only delays a waiter to its long-poll timeout.
/// Does nothing with the SQLite store, whose only instance signals in process.
/// </summary>
internal sealed class PostgresChangeListener : BackgroundService
{
    public const string ApplicationName = "actionguard-listen";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    // A silent network failure is noticed at the next keep-alive query, not only at the next notification.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);

    private readonly PostgresStore? _store;
    private readonly ApprovalSignals _signals;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private NpgsqlDataSource? _dataSource;
    private long _sessions;

    public PostgresChangeListener(IApprovalStore store, ApprovalSignals signals, TimeProvider timeProvider, ILogger<PostgresChangeListener> logger)
    {
        _store = store as PostgresStore;
        _signals = signals;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets how many times the listener started listening; for tests that break its connection.</summary>
    internal long Sessions => Interlocked.Read(ref _sessions);

    public override void Dispose()
    {
        _dataSource?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }

        var settings = new NpgsqlConnectionStringBuilder(_store.ConnectionStringBuilder.ConnectionString)
        {
            ApplicationName = ApplicationName,
            Pooling = false,
        };
        _dataSource = NpgsqlDataSource.Create(settings);
        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(_dataSource, () => delay = FirstRetryDelay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of the feed is retried; waiters still wake at their long-poll timeout.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PostgresLog.ListenFailed(_logger, ex, delay);
            }

            try
            {
                await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task ListenAsync(NpgsqlDataSource dataSource, Action connected, CancellationToken stoppingToken)
    {
        var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) =>
            {
                if (string.Equals(e.Channel, PostgresStore.ChangeChannel, StringComparison.Ordinal))
                {
                    _signals.Signal(e.Payload);
                }
            };

            // The channel name is a constant identifier: LISTEN takes no parameters.
            using (var listen = new NpgsqlCommand("LISTEN " + PostgresStore.ChangeChannel + ";", connection))
            {
                await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
            }

            connected();
            if (Interlocked.Increment(ref _sessions) > 1)
            {
                // Changes made while the connection was down were not heard: let every waiter read its approval again.
                _signals.SignalAll();
                PostgresLog.ListenResumed(_logger);
            }

            while (true)
            {
                if (!await connection.WaitAsync(KeepAliveInterval, stoppingToken).ConfigureAwait(false))
                {
                    using var ping = new NpgsqlCommand("SELECT 1;", connection);
                    await ping.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }
}
