using System.Diagnostics.CodeAnalysis;

namespace ActionGuard;

/// <summary>
/// The category of a privileged action, by its name on the wire: one of the built-in kinds named by this type's
/// constants (<see cref="DataExport"/>, <see cref="PermissionChange"/>, <see cref="InfrastructureMutation"/>) or a
/// custom kind such as <c>"payments.refund"</c>.
/// </summary>
/// <remarks>
/// <para>
/// The built-in kinds are <see langword="const"/> strings so that they can be attribute arguments:
/// <c>[RequiresApproval(ActionKind.DataExport)]</c>. A string converts to an <see cref="ActionKind"/> implicitly and is
/// validated on the way: a lower-case letter followed by up to 63 lower-case letters, digits, '.', '_' or '-'.
/// </para>
/// <para>
/// Two kinds are equal when their names are equal (ordinal). <see langword="default"/>(<see cref="ActionKind"/>) names
/// no kind; every API that takes a kind refuses it.
/// </para>
/// </remarks>
public readonly struct ActionKind : IEquatable<ActionKind>
{
    /// <summary>Data leaves its boundary: an export, upload, copy or share to another destination.</summary>
    public const string DataExport = "data_export";

    /// <summary>Who may do what changes: roles, grants, policies, access keys, group memberships.</summary>
    public const string PermissionChange = "permission_change";

    /// <summary>Infrastructure is created, changed or destroyed: instances, clusters, networks, deployments.</summary>
    public const string InfrastructureMutation = "infrastructure_mutation";

    /// <summary>The protocol's rule for kind names, for messages that state it and for the server's request reader.</summary>
    internal const string NamePattern = "^[a-z][a-z0-9._-]{0,63}$";

    private readonly string? _name;

    /// <summary>Initializes a new instance from a kind name.</summary>
    /// <param name="name">The kind's name, for example <see cref="DataExport"/> or <c>"payments.refund"</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not valid; see <see cref="IsValidName"/>.</exception>
    public ActionKind(string name)
        : this(name, nameof(name))
    {
    }

    internal ActionKind(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"Action kind '{name}' is not valid: use a lower-case letter followed by up to 63 lower-case letters, digits, '.', '_' or '-'.",
                paramName);
        }

        _name = name;
    }

    /// <summary>Gets the kind's name on the wire, for example <c>"data_export"</c>.</summary>
    /// <exception cref="InvalidOperationException">This is <see langword="default"/>(<see cref="ActionKind"/>).</exception>
    public string Name => _name ?? throw new InvalidOperationException("default(ActionKind) names no action kind.");

    /// <summary>Gets whether this is one of the built-in kinds, which the analyzer and the default policies know.</summary>
    public bool IsBuiltIn => _name is DataExport or PermissionChange or InfrastructureMutation;

    /// <summary>Converts a kind name to an <see cref="ActionKind"/>, validating it.</summary>
    /// <param name="name">The kind's name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not valid; see <see cref="IsValidName"/>.</exception>
    [SuppressMessage("Usage", "CA2225:Operator overloads have named alternates", Justification = "The constructor is the named alternate.")]
    public static implicit operator ActionKind(string name) => new(name, nameof(name));

    /// <summary>Compares two kinds by name.</summary>
    /// <param name="left">The first kind.</param>
    /// <param name="right">The second kind.</param>
    /// <returns><see langword="true"/> when both name the same kind.</returns>
    public static bool operator ==(ActionKind left, ActionKind right) => left.Equals(right);

    /// <summary>Compares two kinds by name.</summary>
    /// <param name="left">The first kind.</param>
    /// <param name="right">The second kind.</param>
    /// <returns><see langword="true"/> when they name different kinds.</returns>
    public static bool operator !=(ActionKind left, ActionKind right) => !left.Equals(right);

    /// <summary>
    /// Returns whether <paramref name="name"/> is a valid kind name: a lower-case letter followed by up to
    /// 63 lower-case letters, digits, '.', '_' or '-'.
    /// </summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when the name can be used as a kind.</returns>
    public static bool IsValidName([NotNullWhen(true)] string? name)
    {
        // Checked by hand rather than with NamePattern: a regex's '$' also matches before a final "\n".
        if (name is null || name.Length is 0 or > 64 || name[0] is not (>= 'a' and <= 'z'))
        {
            return false;
        }

        foreach (var c in name.AsSpan(1))
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a kind name that may be malformed, for example one that came over the wire.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="kind">The kind, when <paramref name="name"/> is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> is a valid kind name.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out ActionKind kind)
    {
        kind = IsValidName(name) ? new ActionKind(name) : default;
        return kind._name is not null;
    }

    /// <inheritdoc/>
    public bool Equals(ActionKind other) => string.Equals(_name, other._name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ActionKind other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _name is null ? 0 : StringComparer.Ordinal.GetHashCode(_name);

    /// <summary>Returns the kind's name, or an empty string for <see langword="default"/>(<see cref="ActionKind"/>).</summary>
    /// <returns>The name.</returns>
    public override string ToString() => _name ?? string.Empty;
}
