using Refit;

namespace ActionGuard.Cli.Backend;

/// <summary>
/// The server's approver and auditor endpoints the CLI calls, as a Refit interface with source-generated requests.
/// Replies stay <see cref="HttpResponseMessage"/>: <see cref="BackendClient"/> reads them as JSON and turns problem
/// replies into <see cref="CliException"/>s itself, so no reply is bound to a type by reflection.
/// </summary>
internal interface IActionGuardServerApi
{
    [Get("/v1/approvals")]
    Task<HttpResponseMessage> ListApprovalsAsync(int limit, string? status, string? cursor, CancellationToken cancellationToken);

    [Get("/v1/approvals/{id}")]
    Task<HttpResponseMessage> GetApprovalAsync(string id, CancellationToken cancellationToken);

    [Post("/v1/approvals/{id}/decisions")]
    Task<HttpResponseMessage> DecideAsync(string id, [Body] HttpContent decision, CancellationToken cancellationToken);

    [Get("/v1/audit")]
    Task<HttpResponseMessage> ReadAuditAsync(long after, int limit, CancellationToken cancellationToken);

    [Get("/v1/audit/verify")]
    Task<HttpResponseMessage> VerifyAuditAsync(CancellationToken cancellationToken);

    [Get("/v1/audit/checkpoints")]
    Task<HttpResponseMessage> GetAuditCheckpointsAsync(CancellationToken cancellationToken);
}
