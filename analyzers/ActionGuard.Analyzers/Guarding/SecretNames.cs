using System;
using System.Text;

namespace ActionGuard.Analyzers.Guarding;

/// <summary>
/// The SDK's secret-name rule (<c>SensitiveNameMatcher</c>) at compile time: separators dropped and case ignored,
/// unambiguous terms match anywhere (<c>dbPassword</c>), short ones (<c>pwd</c>, <c>token</c>) only as whole name parts
/// (<c>accessToken</c>, not <c>tokenizer</c>); counts and limits (<c>maxTokens</c>) are not secrets.
/// </summary>
internal static class SecretNames
{
    private static readonly string[] AnywhereTerms =
    {
        "password", "passwd", "secret", "apikey", "accesskey", "privatekey", "connectionstring", "credential",
        "authorization", "cookie", "sessionid",
    };

    private static readonly string[] PartTerms = { "pwd", "token" };

    /// <returns>The matching term, or <see langword="null"/>.</returns>
    public static string? Match(string name)
    {
        var text = new StringBuilder(name.Length);
        var starts = new bool[name.Length + 2];
        var previous = '\0';
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                previous = '\0';
                continue;
            }

            var next = i + 1 < name.Length ? name[i + 1] : '\0';
            starts[text.Length] = previous == '\0'
                || (char.IsUpper(c) && (char.IsLower(previous) || char.IsDigit(previous)))
                || (char.IsUpper(c) && char.IsUpper(previous) && char.IsLower(next))
                || (char.IsDigit(c) != char.IsDigit(previous));
            text.Append(char.ToLowerInvariant(c));
            previous = c;
        }

        var normalized = text.ToString();

        // Counts and limits of tokens (maxTokens, tokenCount) are model settings, not secrets.
        if (normalized.StartsWith("max", StringComparison.Ordinal) || normalized.StartsWith("min", StringComparison.Ordinal)
            || normalized.EndsWith("count", StringComparison.Ordinal) || normalized.EndsWith("limit", StringComparison.Ordinal))
        {
            return null;
        }

        starts[normalized.Length] = true;
        foreach (var term in AnywhereTerms)
        {
            if (normalized.IndexOf(term, StringComparison.Ordinal) >= 0)
            {
                return term;
            }
        }

        foreach (var term in PartTerms)
        {
            for (var start = 0; start + term.Length <= normalized.Length; start++)
            {
                if (!starts[start] || string.CompareOrdinal(normalized, start, term, 0, term.Length) != 0)
                {
                    continue;
                }

                var end = start + term.Length;
                if (starts[end] || (end < normalized.Length && normalized[end] == 's' && starts[end + 1]))
                {
                    return term;
                }
            }
        }

        return null;
    }
}
