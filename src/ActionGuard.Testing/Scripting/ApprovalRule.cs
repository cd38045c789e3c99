using ActionGuard.Client;
using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

/// <summary>
/// A policy rule of the in-memory backend, created by <see cref="InMemoryApprovalBackend.When"/>: requests it matches
/// get its threshold, its TTL and its script. Rules are tried in registration order; the first match wins.
/// </summary>
public sealed class ApprovalRule
{
    private readonly InMemoryApprovalBackend _backend;
    private string _name;
    private int? _minApprovals;
    private TimeSpan? _ttl;
    private ApprovalScript? _script;

    internal ApprovalRule(InMemoryApprovalBackend backend, Func<Approval, bool> predicate, string name)
    {
        _backend = backend;
        Predicate = predicate;
        _name = name;
    }

    /// <summary>Gets the rule's name: the approval's <c>policy.rule</c>, and <c>policy:&lt;name&gt;</c> for its automatic decisions.</summary>
    public string Name
    {
        get
        {
            lock (_backend.Gate)
            {
                return _name;
            }
        }
    }

    internal Func<Approval, bool> Predicate { get; }

    /// <summary>Names the rule. Default <c>rule-&lt;n&gt;</c>, numbered in registration order from 1.</summary>
    /// <param name="name">The name.</param>
    /// <returns>This rule.</returns>
    public ApprovalRule Named(string name)
    {
        Guard.NotNullOrEmpty(name);
        lock (_backend.Gate)
        {
            _name = name;
        }

        return this;
    }

    /// <summary>Requires <paramref name="count"/> distinct people to approve matching requests.</summary>
    /// <param name="count">How many; at least 1.</param>
    /// <returns>This rule.</returns>
    public ApprovalRule RequiringApprovals(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_backend.Gate)
        {
            _minApprovals = count;
        }

        return this;
    }

    /// <summary>Lets matching requests stay pending for <paramref name="ttl"/> instead of the backend's default TTL.</summary>
    /// <param name="ttl">The time to live; positive.</param>
    /// <returns>This rule.</returns>
    public ApprovalRule ExpiringAfter(TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        lock (_backend.Gate)
        {
            _ttl = ttl;
        }

        return this;
    }

    /// <summary>Answers matching requests with <paramref name="script"/>. Without a script, matching requests stay pending.</summary>
    /// <param name="script">The script.</param>
    /// <returns>The backend, to register further rules.</returns>
    public InMemoryApprovalBackend RespondWith(ApprovalScript script)
    {
        Guard.NotNull(script);
        lock (_backend.Gate)
        {
            _script = script;
        }

        return _backend;
    }

    // Callers hold the backend's gate.
    internal (string Name, int? MinApprovals, TimeSpan? Ttl, ApprovalScript? Script) Snapshot() => (_name, _minApprovals, _ttl, _script);
}
