using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Development;

/// <summary>What the person typed and picked on the development sign-in form, and what is wrong with it.</summary>
internal sealed class SignInForm
{
    public const int MaxNameLength = 100;
    public const int MaxGroups = 20;

    private static readonly char[] GroupSeparators = [',', ' ', '\t', '\r', '\n'];

    public string UserName { get; private init; } = string.Empty;

    public IReadOnlyList<string> PickedGroups { get; private init; } = [];

    public string OtherGroups { get; private init; } = string.Empty;

    public string? UserNameError { get; private set; }

    public string? GroupsError { get; private set; }

    /// <summary>The picked and typed groups, each once, in order.</summary>
    public IReadOnlyList<string> Groups =>
        [.. PickedGroups.Concat(OtherGroups.Split(GroupSeparators, StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)];

    public bool IsValid => UserNameError is null && GroupsError is null;

    public static SignInForm Empty { get; } = new();

    public static SignInForm Read(IFormCollection form)
    {
        var result = new SignInForm
        {
            UserName = form["username"].ToString().Trim(),
            PickedGroups = [.. form["group"].Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g!.Trim())],
            OtherGroups = form["other_groups"].ToString(),
        };
        result.Validate();
        return result;
    }

    private void Validate()
    {
        if (UserName.Length == 0)
        {
            UserNameError = "Enter a user name, for example alice.";
        }
        else if (UserName.Length > MaxNameLength)
        {
            UserNameError = $"The user name may be at most {MaxNameLength} characters long.";
        }
        else if (UserName.Any(char.IsControl))
        {
            UserNameError = "The user name may not contain control characters.";
        }
        else if (ApprovalParty.IsPolicySubject(UserName))
        {
            UserNameError = "User names starting with 'policy:' are reserved for the policy engine's decisions.";
        }

        var groups = Groups;
        if (groups.Count > MaxGroups)
        {
            GroupsError = $"Choose at most {MaxGroups} groups.";
        }
        else if (groups.Any(g => g.Length > MaxNameLength || g.Any(char.IsControl)))
        {
            GroupsError = $"Each group may be at most {MaxNameLength} characters long, without control characters.";
        }
    }
}
