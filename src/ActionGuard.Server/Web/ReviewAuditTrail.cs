using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;

namespace ActionGuard.Server.Web;

/// <summary>The audit records of one request, in log order.</summary>
internal static class ReviewAuditTrail
{
    private const int PageSize = 1000;

    // The store reads the log in sequence order only, so the request's records are picked out of the whole log.
    public static async Task<IReadOnlyList<AuditRecord>> ReadAsync(IApprovalStore store, string approvalId, CancellationToken cancellationToken)
    {
        var trail = new List<AuditRecord>();
        long after = 0;
        while (true)
        {
            var page = await store.ReadAuditAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                if (string.Equals(record.ApprovalId, approvalId, StringComparison.Ordinal))
                {
                    trail.Add(record);
                }
            }

            if (page.Count < PageSize)
            {
                return trail;
            }

            after = page[^1].Seq;
        }
    }
}
