namespace ActionGuard.Tests.TestSupport;

/// <summary>One HTTP request as <see cref="ProtocolTestServer"/> received it, before any fault or handler ran.</summary>
public sealed record ReceivedRequest(
    ProtocolEndpoint Endpoint,
    string Method,
    string Path,
    string Query,
    string? Authorization,
    string? IdempotencyKey,
    string Body)
{
    /// <summary>Gets the approval id in the path, or <see langword="null"/> for paths without one.</summary>
    public string? ApprovalId => Endpoint is ProtocolEndpoint.GetApproval or ProtocolEndpoint.ApprovalEvents or ProtocolEndpoint.Claim
        or ProtocolEndpoint.Outcome or ProtocolEndpoint.Cancel
        ? Uri.UnescapeDataString(Path.Split('/')[3])
        : null;
}
