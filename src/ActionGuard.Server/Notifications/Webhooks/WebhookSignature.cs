using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ActionGuard.Server.Notifications.Webhooks;

/// <summary>
/// The signature of a webhook body: <c>ActionGuard-Signature: v1=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>
/// with <c>ActionGuard-Timestamp: &lt;Unix seconds&gt;</c>. Receivers recompute it, compare in constant time and refuse
/// timestamps older than a few minutes.
/// </summary>
internal static class WebhookSignature
{
    public const string TimestampHeader = "ActionGuard-Timestamp";
    public const string SignatureHeader = "ActionGuard-Signature";
    public const string EventHeader = "ActionGuard-Event";
    public const string DeliveryHeader = "ActionGuard-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
