using Microsoft.Extensions.Options;

namespace ActionGuard.PendingApprovals;

/// <summary>Validates <see cref="PendingApprovalOptions"/> at start; each failure names the option.</summary>
/// <param name="fileSystemStore">Whether the file-system store is the one registered (it needs a folder).</param>
internal sealed class PendingApprovalOptionsValidator(bool fileSystemStore) : IValidateOptions<PendingApprovalOptions>
{
    public ValidateOptionsResult Validate(string? name, PendingApprovalOptions options)
    {
        var failures = new List<string>();
        if (fileSystemStore && string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add("ActionGuard:PendingApprovals:Directory is required: the folder the file-system store keeps waiting approvals in.");
        }

        if (options.Key is { } key && key.Length != PendingApprovalOptions.KeyLength)
        {
            failures.Add($"ActionGuard:PendingApprovals:Key must be {PendingApprovalOptions.KeyLength} bytes; it is {key.Length}.");
        }

        if (options.Key is null && string.IsNullOrWhiteSpace(options.KeyFile) && string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add("ActionGuard:PendingApprovals needs Key or KeyFile: the secret that seals waiting approvals at rest.");
        }

        if (options.KeyFile is { } file && string.IsNullOrWhiteSpace(file))
        {
            failures.Add("ActionGuard:PendingApprovals:KeyFile must not be blank; leave it unset for the default in Directory.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
