using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using ActionGuard.Utils;

namespace ActionGuard.Policy;

/// <summary>
/// A glob over a whole value, ordinal: <c>*</c> any run of characters, <c>?</c> one, <c>[abc]</c>, <c>[a-z]</c> and
/// <c>[!abc]</c> one of (or none of) a set, <c>\</c> makes the next character literal.
/// </summary>
internal sealed class PolicyGlob
{
    private readonly Regex _regex;

    // This pattern in the form URL-shaped values are matched in (see PolicyUrl); built on first use.
    private PolicyGlob? _urlForm;

    private PolicyGlob(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>Gets the pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Parses <paramref name="pattern"/>.</summary>
    /// <param name="pattern">The glob.</param>
    /// <returns>The compiled glob.</returns>
    /// <exception cref="FormatException">The pattern is empty, has an unclosed or empty <c>[</c> set, a reversed range, or ends in <c>\</c>.</exception>
    public static PolicyGlob Parse(string pattern)
    {
        Guard.NotNull(pattern);
        return TryParse(pattern, out var glob, out var error) ? glob : throw new FormatException(error);
    }

    /// <summary>Whether <paramref name="value"/> matches the whole pattern. An absent value matches only <c>*</c>.</summary>
    /// <param name="value">The value, or <see langword="null"/> when the action has none.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public bool IsMatch(string? value) => value is null ? Pattern == "*" : _regex.IsMatch(value);

    /// <summary>
    /// Whether a URL-shaped <paramref name="value"/> (a resource or destination) matches: both the value and the pattern
    /// are compared trimmed and with scheme and host in lower case, so <c>HTTP://</c> or <c> http://</c> cannot slip
    /// past a <c>http://*</c> rule.
    /// </summary>
    /// <param name="value">The value, or <see langword="null"/> when the action has none.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    internal bool IsUrlMatch(string? value)
    {
        if (value is null)
        {
            return Pattern == "*";
        }

        var form = _urlForm ??= UrlForm();
        return form._regex.IsMatch(PolicyUrl.Normalize(value));
    }

    /// <inheritdoc/>
    public override string ToString() => Pattern;

    private PolicyGlob UrlForm()
    {
        var normalized = PolicyUrl.Normalize(Pattern);
        return string.Equals(normalized, Pattern, StringComparison.Ordinal) || !TryParse(normalized, out var glob, out _) ? this : glob;
    }

    /// <summary>Parses <paramref name="pattern"/> without throwing.</summary>
    /// <param name="pattern">The glob.</param>
    /// <param name="glob">The compiled glob, when valid.</param>
    /// <param name="error">What is wrong, when not.</param>
    /// <returns><see langword="true"/> when the pattern is valid.</returns>
    public static bool TryParse(string pattern, [NotNullWhen(true)] out PolicyGlob? glob, [NotNullWhen(false)] out string? error)
    {
        glob = null;
        if (pattern.Length == 0)
        {
            error = "glob must not be empty (use \"*\" for anything)";
            return false;
        }

        var builder = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    builder.Append("(?s:.*)");
                    break;
                case '?':
                    builder.Append("(?s:.)");
                    break;
                case '\\':
                    if (i + 1 == pattern.Length)
                    {
                        error = $"glob '{pattern}' ends in '\\' with nothing to escape";
                        return false;
                    }

                    builder.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '[':
                    if (!TryAppendSet(pattern, ref i, builder, out error))
                    {
                        return false;
                    }

                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        builder.Append("\\z");
        glob = new PolicyGlob(pattern, new Regex(builder.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
        error = null;
        return true;
    }

    private static bool TryAppendSet(string pattern, ref int i, StringBuilder builder, [NotNullWhen(false)] out string? error)
    {
        var start = i;
        var j = i + 1;
        var negate = j < pattern.Length && pattern[j] == '!';
        if (negate)
        {
            j++;
        }

        var set = new StringBuilder();
        var members = 0;
        while (j < pattern.Length && pattern[j] != ']')
        {
            var from = pattern[j];
            if (from == '\\' && j + 1 < pattern.Length)
            {
                from = pattern[++j];
            }

            if (j + 2 < pattern.Length && pattern[j + 1] == '-' && pattern[j + 2] != ']')
            {
                var to = pattern[j + 2];
                if (to < from)
                {
                    error = $"glob '{pattern}' has the reversed range '{from}-{to}' at position {j + 1}";
                    return false;
                }

                set.Append(EscapeInSet(from)).Append('-').Append(EscapeInSet(to));
                j += 3;
            }
            else
            {
                set.Append(EscapeInSet(from));
                j++;
            }

            members++;
        }

        if (j >= pattern.Length)
        {
            error = $"glob '{pattern}' has a '[' at position {start + 1} that is never closed with ']'";
            return false;
        }

        if (members == 0)
        {
            error = $"glob '{pattern}' has an empty set '[]' at position {start + 1}";
            return false;
        }

        builder.Append(negate ? "[^" : "[").Append(set).Append(']');
        i = j;
        error = null;
        return true;
    }

    private static string EscapeInSet(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
}
