using ActionGuard.Server.Store;
using ActionGuard.Server.Tokens;

namespace ActionGuard.Server.Audit;

/// <summary>Signed checkpoints of the audit log and the proofs that tie records and later logs to them.</summary>
internal sealed class AuditCheckpoints
{
    private const int PageSize = 1000;
    private readonly IAuditStore _store;
    private readonly ServerSigningKeys _keys;
    private readonly TimeProvider _timeProvider;

    public AuditCheckpoints(IAuditStore store, ServerSigningKeys keys, TimeProvider timeProvider)
    {
        _store = store;
        _keys = keys;
        _timeProvider = timeProvider;
    }

    /// <summary>Signs the tree head of the first <paramref name="size"/> records (all when <see langword="null"/>); <see langword="null"/> when the log is shorter.</summary>
    public async Task<AuditCheckpoint?> CreateAsync(long? size, string issuer, CancellationToken cancellationToken = default)
    {
        var leaves = await ReadLeavesAsync(cancellationToken).ConfigureAwait(false);
        var treeSize = size ?? leaves.Count;
        if (treeSize > leaves.Count)
        {
            return null;
        }

        var key = _keys.Current;
        return AuditCheckpoint.Sign(treeSize, AuditTree.Root(leaves, (int)treeSize), _timeProvider.GetUtcNow(), issuer, key.KeyId, key.ECDsa);
    }

    /// <summary>The audit path of record <paramref name="seq"/> in the tree of <paramref name="size"/> records; <see langword="null"/> when either is out of range.</summary>
    public async Task<IReadOnlyList<byte[]>?> InclusionProofAsync(long seq, long size, CancellationToken cancellationToken = default)
    {
        var leaves = await ReadLeavesAsync(cancellationToken).ConfigureAwait(false);
        return seq < 1 || seq > size || size > leaves.Count ? null : AuditTree.InclusionProof(leaves, (int)(seq - 1), (int)size);
    }

    /// <summary>The proof that the tree of <paramref name="size"/> records extends the tree of <paramref name="from"/>; <see langword="null"/> when out of range.</summary>
    public async Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long from, long size, CancellationToken cancellationToken = default)
    {
        var leaves = await ReadLeavesAsync(cancellationToken).ConfigureAwait(false);
        return from < 1 || from > size || size > leaves.Count ? null : AuditTree.ConsistencyProof(leaves, (int)from, (int)size);
    }

    // Every leaf, in sequence order: the tree is over the log as the store holds it, gaps and all, so a deleted or
    // rewritten record changes every root that covered it.
    private async Task<List<byte[]>> ReadLeavesAsync(CancellationToken cancellationToken)
    {
        var leaves = new List<byte[]>();
        long after = 0;
        while (true)
        {
            var page = await _store.ReadAuditAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                leaves.Add(AuditTree.LeafHash(record.Hash));
                after = record.Seq;
            }

            if (page.Count < PageSize)
            {
                return leaves;
            }
        }
    }
}
