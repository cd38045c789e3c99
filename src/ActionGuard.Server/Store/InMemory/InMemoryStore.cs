using System.Globalization;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store.InMemory;

/// <summary>
/// Every store concern in process memory, under one lock so that a change, its audit records and its outbox messages
/// commit together as they do in a database. Nothing survives the process: it backs the in-memory test backend, not a
/// server anyone relies on. Every operation completes synchronously.
/// </summary>
internal sealed class InMemoryStore : IServerStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Seq, ApprovalRecord Record)> _approvals = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AgentId, string Key), string> _byIdempotencyKey = [];
    private readonly List<AuditRecord> _audit = [];
    private readonly SortedDictionary<long, (OutboxMessage Message, bool Pending)> _outbox = [];
    private readonly Dictionary<(string Issuer, string Subject), KnownIdentity> _identities = [];
    private readonly Dictionary<(string ApprovalId, string Channel), string> _messageReferences = [];
    private readonly List<StoredSigningKey> _signingKeys = [];
    private long _approvalSeq;
    private long _outboxSeq;
    private string _auditHash = AuditChain.GenesisHash;
    private string _auditAt = string.Empty;

    public string Description => "in-memory (nothing survives the process)";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<CreateOutcome> CreateAsync(ApprovalRecord record, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_byIdempotencyKey.TryGetValue((record.AgentId, record.IdempotencyKey), out var existing))
            {
                return Task.FromResult(new CreateOutcome(_approvals[existing].Record, Created: false));
            }

            _approvals.Add(record.Id, (++_approvalSeq, record));
            _byIdempotencyKey.Add((record.AgentId, record.IdempotencyKey), record.Id);
            AddOutbox(outbox);
            Append(audit);
            return Task.FromResult(new CreateOutcome(record, Created: true));
        }
    }

    public Task<ApprovalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_approvals.TryGetValue(id, out var entry) ? entry.Record : null);
        }
    }

    public Task<TransitionResult?> UpdateAsync(string id, Func<ApprovalRecord, TransitionResult> transition, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_approvals.TryGetValue(id, out var entry))
            {
                return Task.FromResult<TransitionResult?>(null);
            }

            // The transition runs before anything is written, so one that throws leaves the store as it was.
            var result = transition(entry.Record);
            if (result.Updated is { } updated)
            {
                _approvals[id] = (entry.Seq, updated);
                AddOutbox(result.Outbox);
            }

            Append(result.Audit);
            return Task.FromResult<TransitionResult?>(result);
        }
    }

    public Task<TransitionResult?>[] UpdateManyAsync(IReadOnlyList<(string Id, Func<ApprovalRecord, TransitionResult> Transition)> transitions, CancellationToken cancellationToken = default)
    {
        var results = new Task<TransitionResult?>[transitions.Count];
        for (var i = 0; i < results.Length; i++)
        {
            try
            {
                results[i] = UpdateAsync(transitions[i].Id, transitions[i].Transition, cancellationToken);
            }
            catch (Exception ex)
            {
                results[i] = Task.FromException<TransitionResult?>(ex);
            }
        }

        return results;
    }

    public Task<ApprovalPage> ListAsync(ApprovalStatus? status, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var before = cursor is null ? long.MaxValue : long.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture);
        lock (_gate)
        {
            var matching = _approvals.Values
                .Where(e => e.Seq < before && (status is null || e.Record.Status == status))
                .OrderByDescending(e => e.Seq)
                .Take(limit + 1)
                .ToList();
            var more = matching.Count > limit;
            var items = matching.Take(limit).Select(e => e.Record).ToList();
            return Task.FromResult(new ApprovalPage(items, more ? matching[limit - 1].Seq.ToString(CultureInfo.InvariantCulture) : null));
        }
    }

    public Task<IReadOnlyList<(string Id, DateTimeOffset ExpiresAt)>> ListExpirableAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<(string, DateTimeOffset)>>(
                [.. _approvals.Values
                    .Where(e => e.Record.Status is ApprovalStatus.Pending or ApprovalStatus.Approved)
                    .Select(e => (e.Record.Id, e.Record.ExpiresAt))]);
        }
    }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Append(audit);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Sequence numbers are 1, 2, 3…, so record n sits at index n - 1.
            var start = (int)Math.Clamp(afterSeq, 0, _audit.Count);
            return Task.FromResult<IReadOnlyList<AuditRecord>>(_audit.GetRange(start, Math.Min(limit, _audit.Count - start)));
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAuditForApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([.. _audit.Where(r => string.Equals(r.ApprovalId, approvalId, StringComparison.Ordinal))]);
        }
    }

    public Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            AddOutbox(messages);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([.. _outbox.Values.Where(e => e.Pending).Take(limit).Select(e => e.Message)]);
        }
    }

    public Task RetryOutboxAsync(long seq, int attempts, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_outbox.TryGetValue(seq, out var entry) && entry.Pending)
            {
                _outbox[seq] = (entry.Message with { Attempts = attempts, DueAt = dueAt }, true);
            }
        }

        return Task.CompletedTask;
    }

    public Task SettleOutboxAsync(long seq, int attempts, bool delivered, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // A message settled already (by another drainer) gets no second audit record.
            if (_outbox.TryGetValue(seq, out var entry) && entry.Pending)
            {
                _outbox[seq] = (entry.Message with { Attempts = attempts }, false);
                Append([audit]);
            }
        }

        return Task.CompletedTask;
    }

    public Task RecordIdentityAsync(KnownIdentity identity, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _identities[(identity.Issuer, identity.Subject)] = identity;
        }

        return Task.CompletedTask;
    }

    public Task ForgetIdentityAsync(string issuer, string subject, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _identities.Remove((issuer, subject));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KnownIdentity>> FindIdentitiesByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = KnownIdentity.EmailKey(email);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<KnownIdentity>>(
                [.. _identities.Values
                    .Where(i => string.Equals(KnownIdentity.EmailKey(i.Email), key, StringComparison.Ordinal))
                    .OrderBy(i => i.Issuer, StringComparer.Ordinal)
                    .ThenBy(i => i.Subject, StringComparer.Ordinal)]);
        }
    }

    public Task<string?> GetMessageReferenceAsync(string approvalId, string channel, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_messageReferences.TryGetValue((approvalId, channel), out var reference) ? reference : null);
        }
    }

    public Task SetMessageReferenceAsync(string approvalId, string channel, string? reference, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (reference is null)
            {
                _messageReferences.Remove((approvalId, channel));
            }
            else
            {
                _messageReferences[(approvalId, channel)] = reference;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredSigningKey>> GetSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredSigningKey>>([.. _signingKeys]);
        }
    }

    public Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            for (var i = 0; i < _signingKeys.Count; i++)
            {
                if (_signingKeys[i].RetiredAt is null)
                {
                    _signingKeys[i] = _signingKeys[i] with { RetiredAt = key.CreatedAt };
                }
            }

            _signingKeys.Add(key);
        }

        return Task.CompletedTask;
    }

    private void AddOutbox(IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var message in messages)
        {
            var seq = ++_outboxSeq;
            _outbox.Add(seq, (message with { Seq = seq, DueAt = message.DueAt == default ? message.At : message.DueAt }, true));
        }
    }

    private void Append(IReadOnlyList<AuditEntry> audit)
    {
        foreach (var entry in audit)
        {
            var seq = _audit.Count + 1L;
            var at = AuditChain.TimeAfter(entry.At, _auditAt);
            var hash = AuditChain.ComputeHash(_auditHash, seq, at, entry.Type, entry.ApprovalId, entry.Actor, entry.Data);
            _audit.Add(new AuditRecord
            {
                Seq = seq,
                At = at,
                Type = entry.Type,
                ApprovalId = entry.ApprovalId,
                Actor = entry.Actor,
                Data = entry.Data.Clone(),
                PrevHash = _auditHash,
                Hash = hash,
            });
            _auditHash = hash;
            _auditAt = at;
        }
    }
}
