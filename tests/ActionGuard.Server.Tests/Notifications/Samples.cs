using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Notifications;

namespace ActionGuard.Server.Tests.Notifications;

// A fixed approval for the golden files: every field set, fixed ids and times.
internal static class Samples
{
    public static readonly DateTimeOffset Created = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static ApprovalRecord Pending() => new()
    {
        Id = "apr_0123456789abcdef0123456789abcdef",
        Status = ApprovalStatus.Pending,
        Action = new ApprovalAction
        {
            Kind = "data_export",
            Name = "Exporter.Export",
            Resource = "crm://customers",
            Destination = "s3://exports/q3.csv",
            Environment = "prod",
        },
        AgentId = "billing-agent",
        Initiator = new ApprovalParty { Issuer = "https://login.example.com/", Subject = "u-42", Name = "Dana Initiator", Email = "dana@example.com" },
        Arguments = new Dictionary<string, JsonElement>
        {
            ["segment"] = JsonSerializer.SerializeToElement("emea"),
            ["limit"] = JsonSerializer.SerializeToElement(100),
            ["recipient"] = JsonSerializer.SerializeToElement("j***@example.com"),
        },
        DataClasses = new Dictionary<string, long> { ["email"] = 3, ["credit_card"] = 1 },
        DataSamples = new Dictionary<string, IReadOnlyList<string>> { ["email"] = ["j***@example.com", "m***@example.org"] },
        Justification = "quarterly report",
        ActionHash = "sha256:" + new string('a', 64),
        Policy = new ApprovalPolicy { Rule = "exports", MinApprovals = 1, ApproverGroups = ["finance"] },
        CreatedAt = Created,
        ExpiresAt = Created.AddMinutes(15),
        IdempotencyKey = "idem-1",
        RequestHash = "sha256:" + new string('b', 64),
    };

    public static ApprovalRecord Denied() => Pending() with
    {
        Status = ApprovalStatus.Denied,
        Decisions =
        [
            new ApprovalDecision
            {
                Approver = new ApprovalParty { Issuer = "https://login.example.com/", Subject = "u-7", Name = "Alex Approver" },
                Verdict = ApprovalVerdict.Deny,
                Reason = "Not this quarter.",
                At = Created.AddMinutes(3),
            },
        ],
    };

    public static NotificationEvent Event(string type, ApprovalRecord record) =>
        new("evt_00112233445566778899aabb", type, record.Status == ApprovalStatus.Pending ? Created : Created.AddMinutes(3), record, new Uri("https://approvals.example.com/review/" + record.Id));
}
