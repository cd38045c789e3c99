using ActionGuard.Server.Approvals;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Tokens;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Hosting;

/// <summary>
/// Before the server takes requests: migrates the store, loads or creates the signing key, and re-arms the expiry
/// timers of every approval that can still expire, so a restart loses nothing.
/// </summary>
internal sealed class ServerInitializer : IHostedLifecycleService
{
    private readonly IStoreLifecycle _store;
    private readonly IApprovalStore _approvals;
    private readonly ServerSigningKeys _keys;
    private readonly ApprovalService _service;
    private readonly ILogger _logger;

    public ServerInitializer(IStoreLifecycle store, IApprovalStore approvals, ServerSigningKeys keys, ApprovalService service, ILogger<ServerInitializer> logger)
    {
        _store = store;
        _approvals = approvals;
        _keys = keys;
        _service = service;
        _logger = logger;
        _keys.RefreshFailed += ex => ServerLog.SigningKeysRefreshFailed(_logger, ex);
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _keys.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _service.ResumeAsync(cancellationToken).ConfigureAwait(false);
        var pending = (await _approvals.ListExpirableAsync(cancellationToken).ConfigureAwait(false)).Count;
        ServerLog.StoreReady(_logger, _store.Description, pending);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
