using ActionGuard.Server.Store;

namespace ActionGuard.Server.Audit;

/// <summary>Walks the whole chain page by page and reports the first record whose link or hash does not verify.</summary>
internal sealed class AuditVerifier
{
    private const int PageSize = 1000;
    private readonly IAuditStore _store;

    public AuditVerifier(IAuditStore store)
    {
        _store = store;
    }

    public async Task<(bool Ok, long Records, long? FirstBrokenSeq)> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var previousHash = AuditChain.GenesisHash;
        long previousSeq = 0;
        long count = 0;
        while (true)
        {
            var page = await _store.ReadAuditAsync(previousSeq, PageSize, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return (true, count, null);
            }

            foreach (var record in page)
            {
                count++;

                // A gap in the sequence is a deleted record: the chain is broken where it should have been.
                if (record.Seq != previousSeq + 1)
                {
                    return (false, count, previousSeq + 1);
                }

                if (!AuditChain.Verifies(record, previousHash))
                {
                    return (false, count, record.Seq);
                }

                previousHash = record.Hash;
                previousSeq = record.Seq;
            }
        }
    }
}
