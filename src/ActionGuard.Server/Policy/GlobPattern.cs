using System.Text;
using System.Text.RegularExpressions;

namespace ActionGuard.Server.Policy;

/// <summary>A glob over a whole value: <c>*</c> any run of characters, <c>?</c> one; everything else literal, ordinal.</summary>
internal sealed class GlobPattern
{
    private readonly Regex _regex;

    public GlobPattern(string pattern)
    {
        Pattern = pattern;
        var builder = new StringBuilder("^");
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '*' => "(?s:.*)",
                '?' => "(?s:.)",
                _ => Regex.Escape(c.ToString()),
            });
        }

        builder.Append("\\z");
        _regex = new Regex(builder.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    public string Pattern { get; }

    /// <summary>An absent value matches only <c>*</c>.</summary>
    public bool IsMatch(string? value) => value is null ? Pattern == "*" : _regex.IsMatch(value);
}
