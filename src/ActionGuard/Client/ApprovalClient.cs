using ActionGuard.Utils;

namespace ActionGuard.Client;

/// <summary>
/// A typed client for the agent side of the ActionGuard approval protocol: one method per endpoint.
/// </summary>
/// <remarks>
/// Methods are <see langword="virtual"/> so tests can substitute them; <c>ActionGuard.Testing</c> derives an in-memory
/// backend from this class. Faults surface as <see cref="ApprovalBackendUnavailableException"/> (transport, 5xx,
/// malformed replies, after retries) and <see cref="ApprovalRequestRejectedException"/> (4xx).
/// </remarks>
public class ApprovalClient
{
    /// <summary>Initializes a new instance for mocking.</summary>
    protected ApprovalClient()
    {
    }

    /// <summary>Initializes a new instance over <paramref name="httpClient"/>, whose handler chain should include the resilience handler.</summary>
    /// <param name="httpClient">The HTTP client; its <see cref="HttpClient.BaseAddress"/> or <see cref="ApprovalClientOptions.Endpoint"/> names the backend.</param>
    /// <param name="options">The options.</param>
    public ApprovalClient(HttpClient httpClient, ApprovalClientOptions options)
    {
        Guard.NotNull(httpClient);
        Guard.NotNull(options);
        throw new NotImplementedException();
    }

    /// <summary>Creates an approval request (<c>POST /v1/approvals</c>).</summary>
    /// <param name="request">The request body, arguments already redacted.</param>
    /// <param name="idempotencyKey">The idempotency key: the same key and body return the same approval.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The approval, possibly already decided by server policy.</returns>
    public virtual Task<Approval> CreateApprovalAsync(CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Gets an approval (<c>GET /v1/approvals/{id}</c>), long-polling while it is pending when <paramref name="wait"/> is set.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="wait">How long the backend may hold the reply while the approval is pending (at most 60 s).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The approval.</returns>
    public virtual Task<Approval> GetApprovalAsync(string approvalId, TimeSpan? wait = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Streams changes of an approval as server-sent events (<c>GET /v1/approvals/{id}/events</c>).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The approval after each change.</returns>
    public virtual IAsyncEnumerable<Approval> WatchApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Claims an approved approval (<c>POST /v1/approvals/{id}/claim</c>); a second claim is refused.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision token.</returns>
    public virtual Task<ClaimResult> ClaimAsync(string approvalId, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Reports how a claimed action ended (<c>POST /v1/approvals/{id}/outcome</c>).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend has recorded the outcome.</returns>
    public virtual Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Withdraws a pending request (<c>POST /v1/approvals/{id}/cancel</c>).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend has withdrawn the request.</returns>
    public virtual Task CancelAsync(string approvalId, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Gets the public keys that sign decision tokens (<c>GET /.well-known/jwks.json</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON Web Key Set document.</returns>
    public virtual Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
