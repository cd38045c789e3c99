using ActionGuard.Server.Store;
using ActionGuard.Server.Store.InMemory;

namespace ActionGuard.Server.Tests.Store.InMemory;

// The in-memory store behind ActionGuard.Testing keeps the same contract; its "database" is the one instance, so opening
// the store again, or a peer, hands out that instance.
public sealed class InMemoryStoreContractTests : ApprovalStoreContractTests
{
    private InMemoryStore? _store;

    protected override Task PrepareAsync() => Task.CompletedTask;

    private protected override IServerStore Open() => _store ??= new InMemoryStore();

    private protected override IServerStore Peer() => Store;

    protected override Task CleanUpAsync() => Task.CompletedTask;
}
