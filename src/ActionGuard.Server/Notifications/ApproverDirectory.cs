using System.Collections.Concurrent;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications;

/// <summary>
/// Records, while <see cref="Slack.SlackOptions.MapUsersByEmail"/> is on, the identities of approvers who authenticate with a
/// verified e-mail address (issuer, subject, name, e-mail, groups, last seen), so a Slack user can be mapped to one by
/// that address. It is called on every authenticated approver request and stays cheap: the store is written only when
/// something changed or <see cref="RefreshInterval"/> has passed for that subject. A token without a verified address
/// removes the record. Nothing is recorded while the option is off.
/// </summary>
internal sealed class ApproverDirectory
{
    /// <summary>How often an unchanged identity's <c>last seen</c> is written at most.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<(string Issuer, string Subject), Written> _written = new();
    private readonly IIdentityStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _enabled;

    public ApproverDirectory(IIdentityStore store, TimeProvider timeProvider, IOptions<ActionGuardServerOptions> options, ILogger<ApproverDirectory> logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
        _enabled = options.Value.Notifications.Slack.MapUsersByEmail;
    }

    /// <summary>Notes an authenticated approver. Never throws: a failed write only delays the record.</summary>
    public async Task SeenAsync(Caller caller)
    {
        if (!_enabled || caller.Person is not { Issuer: { } issuer, Subject: { Length: > 0 } subject } person)
        {
            return;
        }

        var email = caller.EmailVerified && !string.IsNullOrWhiteSpace(person.Email) ? person.Email.Trim() : null;
        var groups = caller.Groups.Order(StringComparer.Ordinal).ToArray();
        var fingerprint = email is null ? string.Empty : string.Join('\0', [person.Name ?? string.Empty, email, .. groups]);
        var now = _timeProvider.GetUtcNow();
        var key = (issuer, subject);
        if (_written.TryGetValue(key, out var last) && string.Equals(last.Fingerprint, fingerprint, StringComparison.Ordinal) && now - last.At < RefreshInterval)
        {
            return;
        }

        try
        {
            if (email is null)
            {
                await _store.ForgetIdentityAsync(issuer, subject).ConfigureAwait(false);
            }
            else
            {
                await _store.RecordIdentityAsync(new KnownIdentity(issuer, subject, person.Name, email, groups, now)).ConfigureAwait(false);
            }

            _written[key] = new Written(fingerprint, now);
        }
#pragma warning disable CA1031 // Recording is a convenience for Slack mapping; it must never fail the approver's request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            NotificationLog.IdentityNotRecorded(_logger, ex, subject, issuer);
        }
    }

    private sealed record Written(string Fingerprint, DateTimeOffset At);
}
