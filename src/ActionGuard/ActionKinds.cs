using System.Text.RegularExpressions;

namespace ActionGuard;

/// <summary>
/// Maps <see cref="ActionKind"/> values to the names used on the wire, and validates custom kind names.
/// </summary>
public static partial class ActionKinds
{
    /// <summary>The wire name of <see cref="ActionKind.DataExport"/>.</summary>
    public const string DataExport = "data_export";

    /// <summary>The wire name of <see cref="ActionKind.PermissionChange"/>.</summary>
    public const string PermissionChange = "permission_change";

    /// <summary>The wire name of <see cref="ActionKind.InfrastructureMutation"/>.</summary>
    public const string InfrastructureMutation = "infrastructure_mutation";

    /// <summary>Returns the wire name of a built-in kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name sent to the approval backend.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static string ToName(ActionKind kind) => kind switch
    {
        ActionKind.DataExport => DataExport,
        ActionKind.PermissionChange => PermissionChange,
        ActionKind.InfrastructureMutation => InfrastructureMutation,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown action kind."),
    };

    /// <summary>
    /// Returns whether <paramref name="name"/> is a valid custom kind name: a lower-case letter followed by up to
    /// 63 lower-case letters, digits, '.', '_' or '-'.
    /// </summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when the name can be used as a kind.</returns>
    public static bool IsValidName(string? name) => name is not null && KindNamePattern().IsMatch(name);

    /// <summary>Returns <paramref name="name"/> when it is a valid kind name, and throws a message that says the rule otherwise.</summary>
    /// <param name="name">The candidate kind name.</param>
    /// <param name="paramName">The parameter or property the name came from, for the exception.</param>
    /// <returns><paramref name="name"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not valid; see <see cref="IsValidName"/>.</exception>
    public static string ValidateCustom(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"Action kind '{name}' is not valid: use a lower-case letter followed by up to 63 lower-case letters, digits, '.', '_' or '-'.",
                paramName);
        }

        return name;
    }

    /// <summary>The protocol's rule for kind names, for messages that state it.</summary>
    internal const string NamePattern = "^[a-z][a-z0-9._-]{0,63}$";

    [GeneratedRegex(NamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex KindNamePattern();
}
