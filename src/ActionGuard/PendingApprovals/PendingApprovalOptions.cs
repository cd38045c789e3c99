namespace ActionGuard.PendingApprovals;

/// <summary>Options of the pending-approval store (<c>AddPendingApprovals</c>).</summary>
public sealed class PendingApprovalOptions
{
    /// <summary>The length of <see cref="Key"/> in bytes.</summary>
    public const int KeyLength = 32;

    /// <summary>The key file's name inside <see cref="Directory"/> when <see cref="KeyFile"/> is not set.</summary>
    public const string DefaultKeyFileName = "pending-approvals.key";

    /// <summary>
    /// Gets or sets the folder of the file-system store (one file per waiting approval, readable by the owner only).
    /// Required with the file-system store; ignored by a store of your own.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Gets or sets the 32-byte key that seals the entries and keys their fingerprints. Keep it as you keep the agent's
    /// API key: whoever holds it and the store can see which actions are waiting. When <see langword="null"/>, the key is
    /// read from <see cref="KeyFile"/>.
    /// </summary>
    public byte[]? Key { get; set; }

    /// <summary>
    /// Gets or sets the file holding the key (base64 on one line). Created with 32 random bytes, readable by the owner
    /// only, when it does not exist; on Unix a key file that others can read is refused. Default:
    /// <see cref="DefaultKeyFileName"/> in <see cref="Directory"/>.
    /// </summary>
    public string? KeyFile { get; set; }
}
