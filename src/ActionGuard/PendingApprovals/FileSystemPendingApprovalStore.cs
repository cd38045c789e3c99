using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Utils;

namespace ActionGuard.PendingApprovals;

/// <summary>
/// The default <see cref="IPendingApprovalStore"/>: one small JSON file per waiting approval in a folder, written
/// atomically and readable by the owner only (on Unix). Files that cannot be read are skipped, so the action asks anew.
/// </summary>
public sealed class FileSystemPendingApprovalStore : IPendingApprovalStore
{
    private const string Extension = ".pending.json";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="directory">The folder; created (owner-only on Unix) when missing.</param>
    public FileSystemPendingApprovalStore(string directory)
    {
        Guard.NotNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>Gets the folder the entries are kept in.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PendingApprovalEntry>> FindAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        CheckFingerprint(fingerprint);
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var entries = new List<PendingApprovalEntry>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, fingerprint + "-*" + Extension))
        {
            var entry = await TryReadAsync(file, fingerprint, cancellationToken).ConfigureAwait(false);
            if (entry is not null)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(PendingApprovalEntry entry, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(entry);
        CheckFingerprint(entry.Fingerprint);
        CreateDirectory();
        var path = PathOf(entry.Fingerprint, entry.ApprovalId);
        var temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                var file = new StoredEntry(entry.ApprovalId, entry.ExpiresAt, Convert.ToBase64String(entry.SealedState.Span));
                await JsonSerializer.SerializeAsync(stream, file, PendingApprovalJsonContext.Default.StoredEntry, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string fingerprint, string approvalId, CancellationToken cancellationToken = default)
    {
        CheckFingerprint(fingerprint);
        Guard.NotNullOrEmpty(approvalId);
        File.Delete(PathOf(fingerprint, approvalId));
        return ValueTask.CompletedTask;
    }

    private async ValueTask<PendingApprovalEntry?> TryReadAsync(string file, string fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var stored = await JsonSerializer.DeserializeAsync(stream, PendingApprovalJsonContext.Default.StoredEntry, cancellationToken).ConfigureAwait(false);
                if (stored is null || string.IsNullOrEmpty(stored.ApprovalId) || !string.Equals(PathOf(fingerprint, stored.ApprovalId), file, StringComparison.Ordinal))
                {
                    return null;
                }

                return new PendingApprovalEntry
                {
                    Fingerprint = fingerprint,
                    ApprovalId = stored.ApprovalId,
                    ExpiresAt = stored.ExpiresAt,
                    SealedState = Convert.FromBase64String(stored.Sealed ?? string.Empty),
                };
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            // Removed meanwhile, or not an entry this store wrote: the action asks anew.
            return null;
        }
    }

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // The approval id is the backend's; hashing it keeps any character it may hold out of the file name.
    private string PathOf(string fingerprint, string approvalId) =>
        Path.Combine(Directory, fingerprint + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(approvalId)).AsSpan(0, 12)) + Extension);

    private static void CheckFingerprint(string fingerprint)
    {
        Guard.NotNullOrEmpty(fingerprint);
        if (fingerprint.Length != 64 || !fingerprint.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"A fingerprint is 64 lowercase hex digits; got '{fingerprint}'.", nameof(fingerprint));
        }
    }

    internal sealed record StoredEntry(string ApprovalId, DateTimeOffset ExpiresAt, string? Sealed);
}
