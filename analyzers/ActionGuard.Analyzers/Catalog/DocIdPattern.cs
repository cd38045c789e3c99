using System;
using System.Text;
using System.Text.RegularExpressions;

namespace ActionGuard.Analyzers.Catalog;

/// <summary>
/// The wildcard form of a documentation-comment ID, for family rules such as
/// <c>M:Amazon.*.IAmazon*.{Create,Delete}*</c>: <c>*</c> stands for any part of one name (it never crosses a '.'),
/// <c>**</c> for any number of names and the dots between them, and <c>{a,b}</c> for one of the listed words. The
/// first name (the root namespace) is written out, and the written-out namespace in front of the first wildcard lets a
/// compilation that has no such namespace skip the rule.
/// </summary>
internal sealed class DocIdPattern
{
    private static readonly char[] NotInWords = { '{', '*', '.' };

    private readonly Regex _type;
    private readonly Regex? _member;

    private DocIdPattern(string literalNamespace, Regex type, Regex? member)
    {
        LiteralNamespace = literalNamespace;
        _type = type;
        _member = member;
    }

    /// <summary>
    /// Gets the namespace written out in front of the first wildcard, for example <c>Amazon</c> for
    /// <c>M:Amazon.*.IAmazon*.Delete*</c> or <c>Microsoft.Graph</c> for <c>M:Microsoft.Graph.**RequestBuilder.Post</c>.
    /// </summary>
    public string LiteralNamespace { get; }

    /// <summary>Whether an ID is written in the wildcard form.</summary>
    public static bool IsPattern(string id) => id.IndexOf('*') >= 0 || id.IndexOf('{') >= 0;

    /// <summary>Parses the part after <c>M:</c> or <c>T:</c>; returns an error message, or <see langword="null"/>.</summary>
    public static string? TryParse(string name, bool isMethod, out DocIdPattern? pattern)
    {
        pattern = null;
        if (name.IndexOf('(') >= 0)
        {
            return "a wildcard ID matches every overload, so it has no parameter list";
        }

        var firstDot = name.IndexOf('.');
        var root = firstDot < 0 ? name : name.Substring(0, firstDot);
        if (root.Length == 0 || IsPattern(root) || firstDot < 0)
        {
            return "a wildcard ID starts with its root namespace written out, for example 'M:Amazon.*.IAmazon*.Delete*'";
        }

        var braces = CheckBraces(name);
        if (braces is not null)
        {
            return braces;
        }

        string typePart;
        string? memberPart;
        if (isMethod)
        {
            var split = LastDotOutsideBraces(name);
            if (split < 0 || split == name.Length - 1)
            {
                return "a wildcard method ID names a type pattern and a member pattern, for example 'M:k8s.*Operations*.Delete*'";
            }

            typePart = name.Substring(0, split);
            memberPart = name.Substring(split + 1);
            if (memberPart.IndexOf("**", StringComparison.Ordinal) >= 0)
            {
                return "'**' crosses names, so it belongs in the type part; use '*' in the member name";
            }
        }
        else
        {
            typePart = name;
            memberPart = null;
        }

        var error = ToRegex(typePart, out var type);
        string? member = null;
        if (error is null && memberPart is not null)
        {
            error = ToRegex(memberPart, out member);
        }

        if (error is not null)
        {
            return error;
        }

        pattern = new DocIdPattern(
            LiteralNamespaceOf(typePart),
            new Regex(type!, RegexOptions.CultureInvariant),
            member is null ? null : new Regex(member, RegexOptions.CultureInvariant));
        return null;
    }

    /// <summary>Whether a type's documentation ID (without <c>T:</c>, arity kept, e.g. <c>Ns.List`1</c>) fits the type part.</summary>
    public bool MatchesType(string typeId) => _type.IsMatch(typeId);

    /// <summary>
    /// Whether a method name fits the member part (a type pattern matches every method). Sync and async twins go
    /// together: <c>Create</c> also fits <c>CreateAsync</c>, and <c>CreateAsync</c> also fits <c>Create</c>.
    /// </summary>
    public bool MatchesMember(string memberName)
    {
        const string Suffix = "Async";
        if (_member is null || _member.IsMatch(memberName) || _member.IsMatch(memberName + Suffix))
        {
            return true;
        }

        return memberName.Length > Suffix.Length
            && memberName.EndsWith(Suffix, StringComparison.Ordinal)
            && _member.IsMatch(memberName.Substring(0, memberName.Length - Suffix.Length));
    }

    // The leading names free of wildcards, without the last name of the type part (a type, or a type pattern).
    private static string LiteralNamespaceOf(string typePart)
    {
        var names = typePart.Split('.');
        var count = 0;
        while (count < names.Length - 1 && !IsPattern(names[count]))
        {
            count++;
        }

        return string.Join(".", names, 0, Math.Max(count, 1));
    }

    private static string? CheckBraces(string text)
    {
        var open = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                if (open >= 0)
                {
                    return $"the '{{' at position {open + 1} of '{text}' is never closed";
                }

                open = i;
            }
            else if (text[i] == '}')
            {
                if (open < 0)
                {
                    return $"the '}}' at position {i + 1} of '{text}' closes nothing";
                }

                open = -1;
            }
        }

        return open >= 0 ? $"the '{{' at position {open + 1} of '{text}' is never closed" : null;
    }

    private static int LastDotOutsideBraces(string text)
    {
        var depth = 0;
        for (var i = text.Length - 1; i >= 0; i--)
        {
            switch (text[i])
            {
                case '}':
                    depth++;
                    break;
                case '{':
                    depth--;
                    break;
                case '.' when depth == 0:
                    return i;
            }
        }

        return -1;
    }

    private static string? ToRegex(string glob, out string? regex)
    {
        regex = null;
        var builder = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    builder.Append(".*");
                    i++;
                    if (i + 1 < glob.Length && glob[i + 1] == '*')
                    {
                        return "'***' is not a wildcard: use '*' within a name or '**' across names";
                    }

                    break;
                case '*':
                    builder.Append(@"[^.]*");
                    break;
                case '{':
                    // CheckBraces has made sure that every '{' is closed and none is nested.
                    var close = glob.IndexOf('}', i + 1);
                    var words = glob.Substring(i + 1, close - i - 1);
                    if (words.IndexOfAny(NotInWords) >= 0)
                    {
                        return $"'{{{words}}}' lists words: no wildcards, dots or braces inside";
                    }

                    builder.Append("(?:");
                    var first = true;
                    foreach (var word in words.Split(','))
                    {
                        builder.Append(first ? string.Empty : "|").Append(Regex.Escape(word.Trim()));
                        first = false;
                    }

                    builder.Append(')');
                    i = close;
                    break;
                default:
                    if (char.IsWhiteSpace(c))
                    {
                        return $"'{glob}' contains a space";
                    }

                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        regex = builder.Append(@"\z").ToString();
        return null;
    }
}
