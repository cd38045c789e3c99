using System.Globalization;
using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Notifications;

/// <summary>One line of data classes for chat messages: <c>email × 8 (j***@example.com, m***@example.org)</c>.</summary>
internal static class DataClassSummary
{
    public const string None = "none detected";

    public static string Format(ApprovalRecord approval) =>
        approval.DataClasses.Count == 0
            ? None
            : string.Join(", ", approval.DataClasses.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => Entry(approval, c.Key, c.Value)));

    private static string Entry(ApprovalRecord approval, string name, long count)
    {
        var text = name + " × " + count.ToString(CultureInfo.InvariantCulture);
        return approval.DataSamples.TryGetValue(name, out var samples) && samples.Count > 0
            ? text + " (" + string.Join(", ", samples) + ")"
            : text;
    }
}
