using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace ActionGuard.Interception;

/// <summary>
/// A <see cref="RequiresApprovalAttribute.Resource"/> or <see cref="RequiresApprovalAttribute.Destination"/> template,
/// parsed once at registration into literal runs and parameter positions.
/// </summary>
/// <remarks>
/// <c>{name}</c> is replaced by the argument of that parameter, formatted with the invariant culture; a
/// <see langword="null"/> argument formats as the empty string. <c>{{</c> and <c>}}</c> stand for literal braces.
/// </remarks>
internal sealed class ActionTemplate
{
    private readonly Segment[] _segments;
    private readonly int _literalLength;
    private readonly int _holeCount;

    private ActionTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        foreach (var segment in segments)
        {
            if (segment.Literal is { } literal)
            {
                _literalLength += literal.Length;
            }
            else
            {
                _holeCount++;
            }
        }
    }

    /// <summary>Gets the template as written.</summary>
    public string Text { get; }

    /// <summary>Parses and validates a template against a method's parameters.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="propertyName">The attribute property it came from, for messages.</param>
    /// <param name="methodDisplayName">The method as <c>Type.Method</c>, for messages.</param>
    /// <param name="parameters">The method's parameters.</param>
    /// <param name="sensitive">Whether each parameter is <see cref="SensitiveAttribute"/>.</param>
    /// <returns>The compiled template.</returns>
    /// <exception cref="InvalidOperationException">The template is malformed or names a parameter it may not use.</exception>
    public static ActionTemplate Parse(
        string template,
        string propertyName,
        string methodDisplayName,
        ParameterInfo[] parameters,
        bool[] sensitive)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{')
            {
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    literal.Append('{');
                    i += 2;
                    continue;
                }

                var close = template.IndexOf('}', i + 1);
                var nextOpen = template.IndexOf('{', i + 1);
                if (close < 0 || (nextOpen >= 0 && nextOpen < close))
                {
                    throw Error(template, propertyName, methodDisplayName, string.Create(
                        CultureInfo.InvariantCulture,
                        $"has an unclosed '{{' at position {i}. Write '{{{{' for a literal brace."));
                }

                var name = template.Substring(i + 1, close - i - 1);
                if (name.Length == 0)
                {
                    throw Error(template, propertyName, methodDisplayName, string.Create(
                        CultureInfo.InvariantCulture,
                        $"has an empty placeholder '{{}}' at position {i}."));
                }

                var index = ResolveParameter(template, propertyName, methodDisplayName, name, parameters, sensitive);
                if (literal.Length > 0)
                {
                    segments.Add(new Segment(literal.ToString(), -1));
                    literal.Clear();
                }

                segments.Add(new Segment(null, index));
                i = close + 1;
            }
            else if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    literal.Append('}');
                    i += 2;
                    continue;
                }

                throw Error(template, propertyName, methodDisplayName, string.Create(
                    CultureInfo.InvariantCulture,
                    $"has a '}}' at position {i} that closes nothing. Write '}}}}' for a literal brace."));
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), -1));
        }

        return new ActionTemplate(template, [.. segments]);
    }

    /// <summary>Fills the template from a call's arguments.</summary>
    /// <param name="arguments">The proxy's argument array.</param>
    /// <returns>The filled text.</returns>
    public string Format(object?[] arguments)
    {
        // The handler formats IFormattable and ISpanFormattable values with the given provider and skips nulls:
        // exactly IFormattable.ToString(null, InvariantCulture) semantics, without intermediate strings.
        var handler = new DefaultInterpolatedStringHandler(_literalLength, _holeCount, CultureInfo.InvariantCulture);
        foreach (var segment in _segments)
        {
            if (segment.Literal is { } literal)
            {
                handler.AppendLiteral(literal);
            }
            else
            {
                handler.AppendFormatted(arguments[segment.ParameterIndex]);
            }
        }

        return handler.ToStringAndClear();
    }

    private static int ResolveParameter(
        string template,
        string propertyName,
        string methodDisplayName,
        string name,
        ParameterInfo[] parameters,
        bool[] sensitive)
    {
        for (var p = 0; p < parameters.Length; p++)
        {
            if (!string.Equals(parameters[p].Name, name, StringComparison.Ordinal))
            {
                continue;
            }

            if (parameters[p].ParameterType == typeof(CancellationToken))
            {
                throw Error(template, propertyName, methodDisplayName,
                    $"names parameter '{name}', a CancellationToken, which is not an argument of the action.");
            }

            if (sensitive[p])
            {
                throw Error(template, propertyName, methodDisplayName,
                    $"uses parameter '{name}', which is [Sensitive]: its value would leave the process in clear text " +
                    "in the approval request. Remove it from the template.");
            }

            return p;
        }

        var names = parameters.Length == 0
            ? "It has no parameters."
            : "Its parameters are: " + string.Join(", ", parameters.Select(static p => p.Name)) + ".";
        throw Error(template, propertyName, methodDisplayName,
            $"names parameter '{name}', which the method does not have. {names}");
    }

    private static InvalidOperationException Error(string template, string propertyName, string methodDisplayName, string problem) =>
        new($"[RequiresApproval] on {methodDisplayName}: the {propertyName} template \"{template}\" {problem}");

    private readonly record struct Segment(string? Literal, int ParameterIndex);
}
