using System.ComponentModel;
using ActionGuard.Classification;

namespace ActionGuard.AI.Tests.TestSupport;

/// <summary>Tools an agent would be given, recording every run.</summary>
internal sealed class ExportTools
{
    public List<string> Runs { get; } = [];

    public List<IReadOnlyList<string>> ExportedColumns { get; } = [];

    [Description("Exports a customer segment to a bucket.")]
    [RequiresApproval(ActionKind.DataExport, Resource = "crm://customers/{segment}", Destination = "s3://{bucket}/{key}")]
    public string ExportCustomers(string segment, string bucket, string key, List<string> columns, [Sensitive] string apiKey)
    {
        lock (Runs)
        {
            Runs.Add($"export {segment} -> s3://{bucket}/{key} with {apiKey}");
            ExportedColumns.Add([.. columns]);
        }

        return $"exported {segment} ({columns.Count} columns)";
    }

    [Description("Grants a role to a user.")]
    [RequiresApproval(ActionKind.PermissionChange, Resource = "iam://roles/{role}")]
    public string GrantRole(string user, string role)
    {
        lock (Runs)
        {
            Runs.Add($"grant {role} to {user}");
        }

        return $"granted {role} to {user}";
    }

    [Description("Sends a report to an address.")]
    [RequiresApproval("report.send", Destination = "mailto:{to}")]
    public string SendReport(string to, [Payload] string body)
    {
        lock (Runs)
        {
            Runs.Add($"send to {to}");
        }

        return "sent";
    }

    [Description("Lists the buckets.")]
    public string ListBuckets()
    {
        lock (Runs)
        {
            Runs.Add("list");
        }

        return "exports, archive";
    }
}
