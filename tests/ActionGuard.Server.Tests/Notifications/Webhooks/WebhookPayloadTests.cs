using System.Text;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Webhooks;

namespace ActionGuard.Server.Tests.Notifications.Webhooks;

public sealed class WebhookPayloadTests
{
    [Fact]
    public void The_requested_event_body_matches_its_golden_file()
    {
        var body = NotificationPayload.Build(Samples.Event(NotificationEventTypes.Requested, Samples.Pending()));

        Golden.Verify("webhook.requested", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void The_denied_event_body_matches_its_golden_file()
    {
        var body = NotificationPayload.Build(Samples.Event("approval.denied", Samples.Denied()));

        Golden.Verify("webhook.denied", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void The_signature_is_hmac_sha256_over_timestamp_dot_body_in_hex()
    {
        // Independent computation: HMAC-SHA256("secret-0123456789", "1700000000.{\"a\":1}").
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        var expected = "v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("secret-0123456789"), Encoding.UTF8.GetBytes("1700000000.{\"a\":1}")));

        Assert.Equal(expected, WebhookSignature.Sign("secret-0123456789", 1700000000, body));
        Assert.NotEqual(expected, WebhookSignature.Sign("secret-0123456789", 1700000001, body));
        Assert.NotEqual(expected, WebhookSignature.Sign("another-secret-xx", 1700000000, body));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(20, 10)]
    public void Retry_delays_double_and_are_bounded(int nextAttempt, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryDelay.Before(nextAttempt, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)));
    }
}
