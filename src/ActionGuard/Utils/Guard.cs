using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ActionGuard.Utils;

internal static class Guard
{
    public static T NotNull<T>([NotNull] T? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        return value;
    }

    public static string NotNullOrEmpty([NotNull] string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        return value;
    }

    public static ActionKind NotDefault(ActionKind kind, [CallerArgumentExpression(nameof(kind))] string? paramName = null) =>
        kind == default
            ? throw new ArgumentException("default(ActionKind) names no action kind; use a built-in kind such as ActionKind.DataExport or a custom kind name.", paramName)
            : kind;
}
