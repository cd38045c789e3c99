using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>Parses <c>{|AG0001:code|}</c> markup into plain source and the expected diagnostics' spans.</summary>
internal static partial class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                var match = OpenTag().Match(markup, i);
                if (!match.Success || match.Index != i)
                {
                    throw new InvalidOperationException($"Malformed markup at {i}.");
                }

                open.Push((match.Groups[1].Value, source.Length));
                i += match.Length;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            throw new InvalidOperationException("Unclosed markup.");
        }

        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(AG\d{4}):")]
    private static partial Regex OpenTag();
}
