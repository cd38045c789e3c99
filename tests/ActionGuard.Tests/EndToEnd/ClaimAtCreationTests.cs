using System.Net;
using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.Tests.TestSupport;

namespace ActionGuard.Tests.EndToEnd;

// An action policy allows at creation is claimed in the create request: one round trip before the action runs, and
// every check of the decision token still made.
public sealed class ClaimAtCreationTests
{
    [Fact]
    public async Task An_allowed_action_runs_after_one_request_and_reports_its_outcome()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.When(a => a.Action.Kind == ActionKind.DataExport).Named("reports-bucket").RespondWith(ApprovalScript.Approve());
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.GetApproval));
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Contains("\"claimIfAllowed\":true", server.RequestsTo(ProtocolEndpoint.CreateApproval).Single().Body, StringComparison.Ordinal);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.Outcomes));
        var claims = Assert.Single(server.Backend.Claims).Claims;
        Assert.Equal("policy:reports-bucket", Assert.Single(claims.Approvers).Subject);
        Assert.Equal(ApprovalStatus.Succeeded, server.Backend.Approvals.Single().Status);
    }

    [Fact]
    public async Task A_token_claimed_at_creation_for_another_action_is_refused_and_nothing_runs()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve());
        server.Backend.OnIssuingToken(c => c.ActionHash = "sha256:" + new string('0', 64));
        await using var agent = TestAgent.Create(server);

        await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(0, agent.Log.Count);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(ApprovalStatus.Failed, server.Backend.Approvals.Single().Status);
    }

    [Fact]
    public async Task A_lost_create_reply_is_not_answered_with_a_second_token_and_nothing_runs()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve());
        // The backend creates and claims, then the reply is lost; the client's retry replays the create.
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.StatusAfterEndpoint(HttpStatusCode.ServiceUnavailable));
        await using var agent = TestAgent.Create(server);

        await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(0, agent.Log.Count);
        Assert.Equal(2, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Single(server.Backend.Claims);
        Assert.Equal(ApprovalStatus.Failed, server.Backend.Approvals.Single().Status);
        Assert.Contains("lost", server.Backend.Outcomes.Values.Single().Error, StringComparison.Ordinal);
    }
}
