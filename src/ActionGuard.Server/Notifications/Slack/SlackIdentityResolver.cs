using System.Collections.Concurrent;
using System.Text.Json;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>
/// Says which IdP identity a Slack user decides as. The explicit link table always wins. Otherwise, when
/// <see cref="SlackOptions.MapUsersByEmail"/> is on, Slack's <c>users.info</c> (asked with the bot token, answers cached
/// for <see cref="SlackOptions.UserInfoCacheDuration"/>) gives the user's e-mail address, which Slack has verified; the
/// user decides as the one identity the server has seen authenticate with that verified address within
/// <see cref="SlackOptions.MappedIdentityMaxAge"/>, with the groups of its last token while they are no older than
/// <see cref="SlackOptions.MappedGroupsMaxAge"/>. Deleted users, bots, external
/// (Slack Connect) users, unconfirmed addresses and, unless <see cref="SlackOptions.MapGuestsByEmail"/>, guests are
/// refused; so is an address that matches no identity or more than one.
/// </summary>
internal sealed class SlackIdentityResolver
{
    public const string NotEligible =
        "Your Slack account cannot be matched to an ActionGuard identity by e-mail (guest, external, bot or deactivated " +
        "account, or no confirmed e-mail address), so this did not count and nothing changed. Decide on the review page, " +
        "or ask an administrator to link you.";

    public const string NotMapped =
        "No ActionGuard approver with your Slack e-mail address (verified by your identity provider) has signed in " +
        "recently, so this did not count and nothing changed. Sign in once on the review page and try again, or ask an " +
        "administrator to link you.";

    public const string Ambiguous =
        "Your Slack e-mail address belongs to more than one ActionGuard identity, so it cannot say which one you are; " +
        "this did not count and nothing changed. Ask an administrator to link you, or decide on the review page.";

    public const string LookupFailed =
        "Your Slack profile could not be looked up just now, so this did not count and nothing changed. Try again, or " +
        "decide on the review page.";

    // users.info answers are keyed by Slack user id, which only signed interactions supply; the bound is a backstop.
    private const int MaxCachedProfiles = 10_000;

    private readonly ConcurrentDictionary<string, CachedProfile> _profiles = new(StringComparer.Ordinal);
    private readonly SlackApi _api;
    private readonly IIdentityStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly SlackOptions _options;
    private readonly TimeSpan _sendTimeout;
    private readonly ILogger _logger;
    private readonly PersonDirectory _people;

    public SlackIdentityResolver(SlackApi api, IIdentityStore store, TimeProvider timeProvider, IOptions<ActionGuardServerOptions> options, ILogger<SlackIdentityResolver> logger, PersonDirectory people)
    {
        _people = people;
        _api = api;
        _store = store;
        _timeProvider = timeProvider;
        _options = options.Value.Notifications.Slack;
        _sendTimeout = options.Value.Notifications.SendTimeout;
        _logger = logger;
    }

    /// <summary>Returns the caller the Slack user decides as, or the explanation to show them.</summary>
    public async Task<(Caller? Caller, string? Refusal)> ResolveAsync(string? slackUserId, CancellationToken cancellationToken)
    {
        if (slackUserId is null)
        {
            return (null, SlackInteractions.NotLinked);
        }

        if (_options.Users.FirstOrDefault(u => string.Equals(u.SlackUserId, slackUserId, StringComparison.Ordinal)) is { } link)
        {
            return (Caller.ForPerson(
                _people.Resolve(new ApprovalParty { Issuer = link.Issuer, Subject = link.Subject!, Name = link.Name }),
                new HashSet<string>(link.Groups, StringComparer.Ordinal)), null);
        }

        if (!_options.MapUsersByEmail)
        {
            return (null, SlackInteractions.NotLinked);
        }

        var profile = await ProfileAsync(slackUserId, cancellationToken).ConfigureAwait(false);
        if (profile.Email is not { } email)
        {
            NotificationLog.SlackUserNotMapped(_logger, slackUserId, profile.Reason);
            return (null, profile.Reason.StartsWith("lookup failed", StringComparison.Ordinal) ? LookupFailed : NotEligible);
        }

        var now = _timeProvider.GetUtcNow();
        var oldest = now - _options.MappedIdentityMaxAge;
        var matches = (await _store.FindIdentitiesByEmailAsync(email, cancellationToken).ConfigureAwait(false))
            .Where(i => i.LastSeen >= oldest)
            .ToList();
        if (matches.Count != 1)
        {
            NotificationLog.SlackUserNotMapped(_logger, slackUserId, matches.Count == 0 ? "no identity has this verified address" : "several identities have this address");
            return (null, matches.Count == 0 ? NotMapped : Ambiguous);
        }

        var identity = matches[0];
        NotificationLog.SlackUserMapped(_logger, slackUserId, identity.Subject, identity.Issuer);
        // Groups only count while fresh: the identity provider may have removed the person from one since.
        var groupsFresh = identity.LastSeen >= now - _options.MappedGroupsMaxAge;
        return (Caller.ForPerson(
            _people.Resolve(new ApprovalParty { Issuer = identity.Issuer, Subject = identity.Subject, Name = identity.Name, Email = identity.Email }),
            groupsFresh ? new HashSet<string>(identity.Groups, StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal),
            emailVerified: true,
            groupsUnconfirmed: !groupsFresh && identity.Groups.Count > 0), null);
    }

    private async Task<Profile> ProfileAsync(string slackUserId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (_profiles.TryGetValue(slackUserId, out var cached) && cached.Expires > now)
        {
            return cached.Profile;
        }

        JsonElement reply;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_sendTimeout);
            reply = await _api.CallFormAsync("users.info", [new("user", slackUserId)], timeout.Token).ConfigureAwait(false);
        }
        catch (NotificationSendException ex)
        {
            // Not cached: Slack may answer next time (rate limits, a missing scope being fixed).
            return new Profile(null, "lookup failed (" + ex.Message + ")");
        }
        catch (HttpRequestException)
        {
            return new Profile(null, "lookup failed (connection)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Profile(null, "lookup failed (timed out)");
        }

        var profile = Read(reply, slackUserId, _options.MapGuestsByEmail);
        if (_options.UserInfoCacheDuration > TimeSpan.Zero)
        {
            if (_profiles.Count >= MaxCachedProfiles)
            {
                _profiles.Clear();
            }

            _profiles[slackUserId] = new CachedProfile(profile, now + _options.UserInfoCacheDuration);
        }

        return profile;
    }

    private static Profile Read(JsonElement reply, string slackUserId, bool allowGuests)
    {
        if (!reply.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.Object
            || !user.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !string.Equals(id.GetString(), slackUserId, StringComparison.Ordinal))
        {
            return new Profile(null, "users.info did not describe this user");
        }

        if (Flag(user, "deleted"))
        {
            return new Profile(null, "deactivated account");
        }

        if (Flag(user, "is_bot") || Flag(user, "is_app_user") || Flag(user, "is_workflow_bot"))
        {
            return new Profile(null, "bot or app account");
        }

        if (Flag(user, "is_stranger"))
        {
            return new Profile(null, "external (Slack Connect) account");
        }

        if (!allowGuests && (Flag(user, "is_restricted") || Flag(user, "is_ultra_restricted")))
        {
            return new Profile(null, "guest account");
        }

        // Slack confirms addresses before use; an explicit "not confirmed" means the address is not proven yet.
        if (user.TryGetProperty("is_email_confirmed", out var confirmed) && confirmed.ValueKind == JsonValueKind.False)
        {
            return new Profile(null, "e-mail address not confirmed");
        }

        return user.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object
            && profile.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(email.GetString())
            ? new Profile(email.GetString()!.Trim(), "mapped")
            : new Profile(null, "no e-mail address (does the bot token have users:read.email?)");
    }

    private static bool Flag(JsonElement user, string name) =>
        user.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private sealed record Profile(string? Email, string Reason);

    private sealed record CachedProfile(Profile Profile, DateTimeOffset Expires);
}
