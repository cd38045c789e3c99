using System.Text.Json;
using ActionGuard.Client;

namespace ActionGuard.Tests.Client;

public sealed class ApprovalJsonContextTests
{
    [Theory]
    [InlineData(ApprovalStatus.Pending, "pending")]
    [InlineData(ApprovalStatus.Approved, "approved")]
    [InlineData(ApprovalStatus.Denied, "denied")]
    [InlineData(ApprovalStatus.Expired, "expired")]
    [InlineData(ApprovalStatus.Cancelled, "cancelled")]
    [InlineData(ApprovalStatus.Executing, "executing")]
    [InlineData(ApprovalStatus.Succeeded, "succeeded")]
    [InlineData(ApprovalStatus.Failed, "failed")]
    public void Statuses_round_trip_as_lower_case_names(ApprovalStatus status, string wire)
    {
        var json = ClientTestData.ApprovalJson("apr_1", wire);

        var approval = JsonSerializer.Deserialize(json, ApprovalJsonContext.Default.Approval)!;
        var written = JsonSerializer.SerializeToElement(approval, ApprovalJsonContext.Default.Approval);

        Assert.Equal(status, approval.Status);
        Assert.Equal(wire, written.GetProperty("status").GetString());
    }

    [Fact]
    public void Decisions_parse_verdicts_and_approvers()
    {
        const string Json = """
            {"id":"apr_1","status":"denied","action":{"kind":"data_export","name":"x"},
             "decisions":[{"approver":{"issuer":"https://idp","subject":"alice","name":"Alice"},"verdict":"approve","at":"2025-01-01T00:00:00Z"},
                          {"approver":{"subject":"bob"},"verdict":"deny","reason":"no","at":"2025-01-01T00:01:00Z"}],
             "policy":{"rule":"exports","minApprovals":2,"approverGroups":["sec"]},
             "dataClasses":{"email":3},"reviewUrl":"https://approvals.example/r/apr_1"}
            """;

        var approval = JsonSerializer.Deserialize(Json, ApprovalJsonContext.Default.Approval)!;

        Assert.Equal([ApprovalVerdict.Approve, ApprovalVerdict.Deny], approval.Decisions.Select(d => d.Verdict));
        Assert.Equal("alice", approval.Decisions[0].Approver.Subject);
        Assert.Equal("no", approval.Decisions[1].Reason);
        Assert.Equal(2, approval.Policy!.MinApprovals);
        Assert.Equal(3, approval.DataClasses!["email"]);
        Assert.Equal(new Uri("https://approvals.example/r/apr_1"), approval.ReviewUrl);
    }

    [Fact]
    public void Outcome_is_written_in_camel_case_without_nulls()
    {
        var json = JsonSerializer.Serialize(new ApprovalOutcome { Status = OutcomeStatus.Succeeded }, ApprovalJsonContext.Default.ApprovalOutcome);

        Assert.Equal("""{"status":"succeeded"}""", json);
    }

    [Theory]
    [InlineData("""{"id":"apr_1","status":"pending","action":{"kind":"k","name":"n"},"decisions":[{"approver":{"subject":"a"},"verdict":"maybe"}]}""")]
    [InlineData("""{"id":"apr_1","status":"pending","action":{"kind":"k"}}""")]
    [InlineData("""{"id":"apr_1","status":"pending","action":{"kind":"k","name":"n"},"decisions":null}""")]
    public void Replies_of_the_wrong_shape_are_refused(string json)
        => Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, ApprovalJsonContext.Default.Approval));
}
