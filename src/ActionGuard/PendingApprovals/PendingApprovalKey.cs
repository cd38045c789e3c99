using System.Security.Cryptography;

namespace ActionGuard.PendingApprovals;

/// <summary>Reads (or creates) the key of <see cref="PendingApprovalOptions"/>.</summary>
internal static class PendingApprovalKey
{
    private const UnixFileMode OthersMayAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The key file that applies, or <see langword="null"/> when the key is given inline.</summary>
    public static string? KeyFileOf(PendingApprovalOptions options) =>
        options.Key is not null ? null
        : options.KeyFile is { } file ? Path.GetFullPath(file)
        : options.Directory is { } directory ? Path.Combine(Path.GetFullPath(directory), PendingApprovalOptions.DefaultKeyFileName)
        : null;

    /// <summary>Returns the configured key, reading or creating its file.</summary>
    /// <exception cref="InvalidOperationException">The key file cannot be read, is malformed, or others can read it; the message names the file.</exception>
    public static byte[] Load(PendingApprovalOptions options)
    {
        if (options.Key is { } key)
        {
            return key;
        }

        var path = KeyFileOf(options)
            ?? throw new InvalidOperationException("ActionGuard:PendingApprovals needs Key, KeyFile or Directory (the key file's default folder).");
        try
        {
            if (!File.Exists(path))
            {
                TryCreate(path);
            }

            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & OthersMayAccess) != 0)
            {
                throw new InvalidOperationException(
                    $"The pending-approval key file '{path}' can be read or written by others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); allow its owner only (chmod 600).");
            }

            var text = File.ReadAllText(path).Trim();
            byte[] read;
            try
            {
                read = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"The pending-approval key file '{path}' is not base64 (line 1): it must hold {PendingApprovalOptions.KeyLength} bytes in base64 on one line.");
            }

            return read.Length == PendingApprovalOptions.KeyLength
                ? read
                : throw new InvalidOperationException($"The pending-approval key file '{path}' holds {read.Length} bytes; it must hold {PendingApprovalOptions.KeyLength}.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The pending-approval key file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static void TryCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(PendingApprovalOptions.KeyLength)));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; theirs is the key.
        }
    }
}
