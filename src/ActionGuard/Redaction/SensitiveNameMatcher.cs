using System.Buffers;

namespace ActionGuard.Redaction;

/// <summary>
/// Decides whether a parameter or property name says its value is secret (<c>password</c>, <c>apiKey</c>,
/// <c>X-Api-Key</c>, <c>client_secret</c>, <c>accessTokens</c> …).
/// </summary>
/// <remarks>
/// Names are compared with separators (<c>_ - . space</c>) removed and case ignored. Unambiguous built-in terms match
/// anywhere in the name (<c>dbPassword</c>, <c>myconnectionstring</c>). Short ones (<c>pwd</c>, <c>token</c>) and the
/// configured <see cref="RedactionOptions.SensitiveNames"/> match whole name parts, where parts split at separators
/// and at case and letter/digit changes (<c>maxTokens</c> → <c>max</c>, <c>tokens</c>); a part may span several
/// (<c>x-api-key</c> has the part sequence <c>apikey</c>), and a plural <c>s</c> is allowed. Erring towards masking is
/// deliberate: a masked value costs the reviewer context, a leaked one cannot be recalled.
/// </remarks>
internal sealed class SensitiveNameMatcher
{
    private const int StackLimit = 128;

    private static readonly string[] AnywhereTerms =
    [
        "password", "passwd", "secret", "apikey", "accesskey", "privatekey", "connectionstring", "credential",
        "authorization", "cookie", "sessionid",
    ];

    private static readonly string[] PartTerms = ["pwd", "token"];

    private readonly string[] _customTerms;

    public SensitiveNameMatcher(IEnumerable<string> customNames)
    {
        // Built once at construction, so the per-call path stays allocation-free.
        var terms = new List<string>();
        foreach (string name in customNames)
        {
            string normalized = string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();
            if (normalized.Length > 0)
            {
                terms.Add(normalized);
            }
        }

        _customTerms = [.. terms];
    }

    public bool IsSensitive(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        char[]? rentedChars = null;
        bool[]? rentedStarts = null;
        Span<char> normalized = name.Length <= StackLimit ? stackalloc char[StackLimit] : (rentedChars = ArrayPool<char>.Shared.Rent(name.Length));
        Span<bool> partStarts = name.Length <= StackLimit ? stackalloc bool[StackLimit + 1] : (rentedStarts = ArrayPool<bool>.Shared.Rent(name.Length + 1));
        try
        {
            partStarts.Clear();
            int length = Normalize(name, normalized, partStarts);
            ReadOnlySpan<char> text = normalized[..length];
            partStarts[length] = true;

            foreach (string term in AnywhereTerms)
            {
                if (text.Contains(term, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return ContainsPart(text, partStarts, PartTerms) || ContainsPart(text, partStarts, _customTerms);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedStarts is not null)
            {
                ArrayPool<bool>.Shared.Return(rentedStarts);
            }
        }
    }

    private static bool ContainsPart(ReadOnlySpan<char> text, ReadOnlySpan<bool> partStarts, string[] terms)
    {
        foreach (string term in terms)
        {
            for (int start = 0; start + term.Length <= text.Length; start++)
            {
                if (!partStarts[start] || !text[start..].StartsWith(term, StringComparison.Ordinal))
                {
                    continue;
                }

                int end = start + term.Length;
                if (partStarts[end] || (text[end] == 's' && partStarts[end + 1]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Lowercases letters and digits into destination, dropping everything else, and marks where name parts begin.
    private static int Normalize(ReadOnlySpan<char> name, Span<char> destination, Span<bool> partStarts)
    {
        int length = 0;
        char previous = '\0';
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                previous = '\0';
                continue;
            }

            if (!partStarts.IsEmpty)
            {
                char next = i + 1 < name.Length ? name[i + 1] : '\0';
                partStarts[length] = previous == '\0'
                    || (char.IsUpper(c) && (char.IsLower(previous) || char.IsDigit(previous)))
                    || (char.IsUpper(c) && char.IsUpper(previous) && char.IsLower(next))
                    || (char.IsDigit(c) != char.IsDigit(previous));
            }

            destination[length++] = char.ToLowerInvariant(c);
            previous = c;
        }

        return length;
    }
}
