using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ActionGuard.Client;
using ActionGuard.Hashing;
using ActionGuard.Telemetry;
using ActionGuard.Utils;
using Microsoft.Extensions.Logging;

namespace ActionGuard.PendingApprovals;

/// <summary>
/// Seals, saves, finds and adopts the approvals an agent waits for (see <see cref="IPendingApprovalStore"/>). Whatever
/// fails here, the guarded call goes on as if no store were configured: it asks anew and runs only on a verified token.
/// </summary>
internal sealed class PendingApprovalKeeper
{
    private const byte FormatVersion = 1;
    private const int IvLength = 12;
    private const int TagLength = 16;
    private const int FormatVersionLength = 1;
    private const int PlaintextLength = ActionHasher.NonceLength + (2 * ActionHasher.HashLength);
    private const int SealedLength = FormatVersionLength + IvLength + PlaintextLength + TagLength;

    private readonly IPendingApprovalStore _store;
    private readonly byte[] _fingerprintKey;
    private readonly byte[] _sealKey;
    private readonly ActionHasher _hasher;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // Approvals a live call of this process waits on: two identical calls running at once must not share one approval
    // (the second claim would be refused as a replay), so only entries left by an earlier process are adopted.
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    public PendingApprovalKeeper(IPendingApprovalStore store, ReadOnlySpan<byte> key, ActionHasher hasher, TimeProvider timeProvider, ILogger logger)
    {
        if (key.Length != PendingApprovalOptions.KeyLength)
        {
            throw new ArgumentException($"The pending-approval key must be {PendingApprovalOptions.KeyLength} bytes; it is {key.Length}.", nameof(key));
        }

        _store = Guard.NotNull(store);
        _hasher = Guard.NotNull(hasher);
        _timeProvider = Guard.NotNull(timeProvider);
        _logger = Guard.NotNull(logger);

        // One configured secret, two independent uses.
        _fingerprintKey = HKDF.Expand(HashAlgorithmName.SHA256, key.ToArray(), 32, "actionguard/pending-approvals/fingerprint"u8.ToArray());
        _sealKey = HKDF.Expand(HashAlgorithmName.SHA256, key.ToArray(), 32, "actionguard/pending-approvals/seal"u8.ToArray());
    }

    /// <summary>The keyed fingerprint of one call: agent, initiator and the action with its full arguments.</summary>
    public string Fingerprint(GuardedAction action, string? environment, string agentId, ApprovalParty? initiator)
    {
        Span<byte> noNonce = stackalloc byte[ActionHasher.NonceLength];
        noNonce.Clear();
        var content = _hasher.ComputeHash(action, environment, noNonce);
        var text = string.Join('\0', "v1", agentId, initiator?.Issuer ?? string.Empty, initiator?.Subject ?? string.Empty, content);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_fingerprintKey, Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Marks an approval as waited on by a live call; <see langword="false"/> when one already is.</summary>
    public bool TryHold(string approvalId) => _held.TryAdd(approvalId, 0);

    /// <summary>Ends <see cref="TryHold"/>.</summary>
    public void Release(string approvalId) => _held.TryRemove(approvalId, out _);

    /// <summary>
    /// Finds an approval an earlier run of this agent requested for the same call and that can still authorize it
    /// (pending or approved, same action hash). The returned approval is held; release it when the call ends.
    /// </summary>
    public async ValueTask<AdoptedApproval?> TryAdoptAsync(
        string fingerprint, GuardedAction action, string? environment, string agentId, ApprovalClient client, CancellationToken cancellationToken)
    {
        IReadOnlyList<PendingApprovalEntry> entries;
        try
        {
            entries = await _store.FindAsync(fingerprint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            GuardLog.PendingStoreFailed(_logger, ex, "read", null);
            return null;
        }

        foreach (var entry in entries.OrderByDescending(e => e.ExpiresAt))
        {
            if (!string.Equals(entry.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.ExpiresAt <= _timeProvider.GetUtcNow())
            {
                await RemoveAsync(entry.Fingerprint, entry.ApprovalId).ConfigureAwait(false);
                continue;
            }

            var nonce = new byte[ActionHasher.NonceLength];
            if (!TryUnseal(entry, nonce, out var actionHash, out var requestDigest)
                || !string.Equals(_hasher.ComputeHash(action, environment, nonce), actionHash, StringComparison.Ordinal))
            {
                CryptographicOperations.ZeroMemory(nonce);
                GuardLog.PendingEntryDiscarded(_logger, entry.ApprovalId, action.Name, "it does not open with this agent's key, or was altered");
                await RemoveAsync(entry.Fingerprint, entry.ApprovalId).ConfigureAwait(false);
                continue;
            }

            if (!TryHold(entry.ApprovalId))
            {
                CryptographicOperations.ZeroMemory(nonce);
                continue;
            }

            Approval current;
            try
            {
                current = await client.GetApprovalAsync(entry.ApprovalId, null, cancellationToken).ConfigureAwait(false);
            }
            catch (ApprovalRequestRejectedException)
            {
                // Unknown to the backend (or no longer this agent's): nothing to adopt.
                Release(entry.ApprovalId);
                CryptographicOperations.ZeroMemory(nonce);
                await RemoveAsync(entry.Fingerprint, entry.ApprovalId).ConfigureAwait(false);
                continue;
            }
            catch
            {
                Release(entry.ApprovalId);
                CryptographicOperations.ZeroMemory(nonce);
                throw;
            }

            var adoptable = current.Status is ApprovalStatus.Pending or ApprovalStatus.Approved
                && string.Equals(current.Id, entry.ApprovalId, StringComparison.Ordinal)
                && (current.AgentId is null || string.Equals(current.AgentId, agentId, StringComparison.Ordinal))
                && (current.ActionHash is null || string.Equals(current.ActionHash, actionHash, StringComparison.Ordinal));
            if (adoptable)
            {
                return new AdoptedApproval(current, nonce, actionHash, requestDigest);
            }

            // Decided, expired, withdrawn or already claimed: it cannot authorize this call; a new request will.
            Release(entry.ApprovalId);
            CryptographicOperations.ZeroMemory(nonce);
            await RemoveAsync(entry.Fingerprint, entry.ApprovalId).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Seals and saves the secret of a request just created; a failure is logged, never thrown.</summary>
    public async ValueTask SaveAsync(PendingApprovalEntry entry)
    {
        try
        {
            await _store.SaveAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            GuardLog.PendingStoreFailed(_logger, ex, "save", entry.ApprovalId);
        }
    }

    /// <summary>Seals the secret that binds an approval to its action.</summary>
    public PendingApprovalEntry Seal(string fingerprint, string approvalId, DateTimeOffset expiresAt, ReadOnlySpan<byte> nonce, string actionHash, string requestDigest)
    {
        if (nonce.Length != ActionHasher.NonceLength || actionHash.Length != ActionHasher.HashLength || requestDigest.Length != ActionHasher.HashLength)
        {
            throw new ArgumentException("The nonce, the action hash or the request digest has the wrong length.", nameof(nonce));
        }

        var sealedState = new byte[SealedLength];
        sealedState[0] = FormatVersion;
        var iv = sealedState.AsSpan(1, IvLength);
        RandomNumberGenerator.Fill(iv);
        Span<byte> plaintext = stackalloc byte[PlaintextLength];
        try
        {
            nonce.CopyTo(plaintext);
            Encoding.ASCII.GetBytes(actionHash, plaintext.Slice(ActionHasher.NonceLength, ActionHasher.HashLength));
            Encoding.ASCII.GetBytes(requestDigest, plaintext[(ActionHasher.NonceLength + ActionHasher.HashLength)..]);
            using var aes = new AesGcm(_sealKey, TagLength);
            aes.Encrypt(
                iv,
                plaintext,
                sealedState.AsSpan(1 + IvLength, PlaintextLength),
                sealedState.AsSpan(1 + IvLength + PlaintextLength, TagLength),
                AssociatedData(fingerprint, approvalId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return new PendingApprovalEntry { Fingerprint = fingerprint, ApprovalId = approvalId, ExpiresAt = expiresAt, SealedState = sealedState };
    }

    /// <summary>Removes an entry; a failure is logged, never thrown (an entry left behind is discarded when next found).</summary>
    public async ValueTask RemoveAsync(string fingerprint, string approvalId)
    {
        try
        {
            await _store.RemoveAsync(fingerprint, approvalId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            GuardLog.PendingStoreFailed(_logger, ex, "remove", approvalId);
        }
    }

    private bool TryUnseal(PendingApprovalEntry entry, Span<byte> nonce, out string actionHash, out string requestDigest)
    {
        actionHash = string.Empty;
        requestDigest = string.Empty;
        var sealedState = entry.SealedState.Span;
        if (sealedState.Length != SealedLength || sealedState[0] != FormatVersion)
        {
            return false;
        }

        Span<byte> plaintext = stackalloc byte[PlaintextLength];
        try
        {
            using var aes = new AesGcm(_sealKey, TagLength);
            aes.Decrypt(
                sealedState.Slice(1, IvLength),
                sealedState.Slice(1 + IvLength, PlaintextLength),
                sealedState.Slice(1 + IvLength + PlaintextLength, TagLength),
                plaintext,
                AssociatedData(entry.Fingerprint, entry.ApprovalId));
            plaintext[..ActionHasher.NonceLength].CopyTo(nonce);
            actionHash = Encoding.ASCII.GetString(plaintext.Slice(ActionHasher.NonceLength, ActionHasher.HashLength));
            requestDigest = Encoding.ASCII.GetString(plaintext[(ActionHasher.NonceLength + ActionHasher.HashLength)..]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    // The entry's place in the store is part of what is sealed: an entry moved to another action or approval fails to open.
    private static byte[] AssociatedData(string fingerprint, string approvalId) =>
        Encoding.UTF8.GetBytes("actionguard-pending-v1\0" + fingerprint + "\0" + approvalId);
}
