using System.Security.Cryptography;
using System.Text.Json;
using ActionGuard.Client;

namespace ActionGuard.Testing.Tests.TestSupport;

internal static class TestRequests
{
    public static readonly ApprovalParty Carol = new() { Issuer = "https://idp.test/", Subject = "carol", Name = "Carol" };

    public static CreateApprovalRequest Export(ApprovalParty? initiator = null, string name = "export_customers", string kind = ActionKind.DataExport) => new()
    {
        Action = new ApprovalAction { Kind = kind, Name = name, Resource = "crm.customers", Destination = "s3://exports", Environment = "prod" },
        Initiator = initiator,
        Arguments = new Dictionary<string, JsonElement>
        {
            ["table"] = JsonSerializer.SerializeToElement("customers"),
            ["limit"] = JsonSerializer.SerializeToElement(1000),
        },
        DataClasses = new Dictionary<string, long> { ["email"] = 1204 },
        Justification = "monthly report",
        ActionHash = "sha256:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
    };

    public static string NewKey() => Guid.NewGuid().ToString("N");

    public static Task<Approval> CreateAsync(this ApprovalClient client, CreateApprovalRequest? request = null) =>
        client.CreateApprovalAsync(request ?? Export(Carol), NewKey());

    public static async Task<ApprovalRequestRejectedException> Rejected(Func<Task> call)
    {
        return await Assert.ThrowsAsync<ApprovalRequestRejectedException>(call);
    }

    public static async Task<ApprovalRequestRejectedException> Rejected(Func<Task> call, int status, string problem)
    {
        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(call);
        Assert.Equal(status, (int)ex.StatusCode);
        Assert.Equal("https://actionguard.dev/problems/" + problem, ex.ProblemType);
        return ex;
    }
}
