namespace ActionGuard.Policy;

/// <summary>
/// The form in which URL-shaped fields (<c>resource</c>, <c>destination</c>) and their patterns are matched: without
/// surrounding white space or control characters, and with the scheme and the host in lower case, as URLs compare them
/// (<c>HTTP://Example.COM/Path</c> is <c>http://example.com/Path</c>). The path, query and fragment keep their case.
/// </summary>
internal static class PolicyUrl
{
    /// <summary>Returns the matching form of <paramref name="value"/>.</summary>
    /// <param name="value">A resource or destination, or a pattern for one.</param>
    /// <returns>The value trimmed, its scheme and host (when it has them) in lower case.</returns>
    public static string Normalize(string value)
    {
        var text = value.AsSpan().Trim();
        var start = 0;
        while (start < text.Length && IsTrimmed(text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && IsTrimmed(text[end - 1]))
        {
            end--;
        }

        text = text[start..end];
        var colon = SchemeLength(text);
        if (colon <= 0)
        {
            return text.Length == value.Length ? value : text.ToString();
        }

        var authorityStart = colon + 1;
        var authorityEnd = authorityStart;
        if (text[authorityStart..].StartsWith("//", StringComparison.Ordinal))
        {
            authorityStart += 2;
            var rest = text[authorityStart..].IndexOfAny('/', '?', '#');
            authorityEnd = rest < 0 ? text.Length : authorityStart + rest;
        }

        return string.Create(text.Length, (Text: text.ToString(), colon, authorityStart, authorityEnd), static (span, state) =>
        {
            state.Text.AsSpan().CopyTo(span);
            LowerInvariant(span[..state.colon]);
            LowerInvariant(span[state.authorityStart..state.authorityEnd]);
        });
    }

    // Any white space or control character, as a value copied from a document or a prompt may carry.
    private static bool IsTrimmed(char c) => char.IsWhiteSpace(c) || char.IsControl(c);

    // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"; the index of the colon, or -1.
    private static int SchemeLength(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            return -1;
        }

        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ':')
            {
                return i;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return -1;
            }
        }

        return -1;
    }

    private static void LowerInvariant(Span<char> span)
    {
        foreach (ref var c in span)
        {
            c = char.ToLowerInvariant(c);
        }
    }
}
