namespace ActionGuard.Server.Store;

/// <summary>
/// Everything a store implements, over one database so that a change, its audit records and its outbox messages
/// commit together. A new store (<c>Store/&lt;Name&gt;/</c> with an <c>Add&lt;Name&gt;Store</c> registration) implements
/// this; the rest of the server depends only on the narrow interfaces it uses.
/// </summary>
internal interface IServerStore : IApprovalStore, IAuditStore, IOutboxStore, IIdentityStore, IMessageReferenceStore, ISigningKeyStore, IStoreLifecycle
{
}
