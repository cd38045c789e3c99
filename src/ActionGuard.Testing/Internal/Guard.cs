using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ActionGuard.Testing.Internal;

// ActionGuard's own Guard is internal to it; this assembly uses only ActionGuard's public API.
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
}
