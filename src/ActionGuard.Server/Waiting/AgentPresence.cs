using System.Collections.Concurrent;

namespace ActionGuard.Server.Waiting;

/// <summary>
/// When each pending request's agent last asked about it on this instance (a long poll answered, an event stream still
/// open), so reviewers can tell a request whose agent went away — it can no longer run anything — from one an agent is
/// waiting on. Kept in memory, one entry per pending request an agent asked about, dropped when the request is final.
/// </summary>
internal sealed class AgentPresence(TimeProvider timeProvider)
{
    /// <summary>How long without a question from its agent before a pending request reads as possibly orphaned.</summary>
    public static readonly TimeSpan GoneAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    /// <summary>Records that the agent of <paramref name="approvalId"/> asked about it just now.</summary>
    public void Seen(string approvalId) => _lastSeen[approvalId] = timeProvider.GetUtcNow();

    /// <summary>Drops a request that will not wait again (decided, expired, withdrawn).</summary>
    public void Forget(string approvalId) => _lastSeen.TryRemove(approvalId, out _);

    /// <summary>When its agent last asked about the request here, or <see langword="null"/> when it has not.</summary>
    public DateTimeOffset? LastSeen(string approvalId) => _lastSeen.TryGetValue(approvalId, out var at) ? at : null;

    /// <summary>Whether the request's agent asked about it here once, and not for <see cref="GoneAfter"/> since.</summary>
    public bool SeemsGone(string approvalId) =>
        LastSeen(approvalId) is { } at && timeProvider.GetUtcNow() - at > GoneAfter;

    /// <summary>Gets how many requests are tracked; for tests.</summary>
    internal int Count => _lastSeen.Count;
}
