using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ActionGuard.Utils;

namespace ActionGuard;

/// <summary>
/// A resource, destination or environment template such as <c>"s3://{bucket}/{key}"</c>, parsed once against the names
/// of an action's arguments into literal runs and argument positions.
/// </summary>
/// <remarks>
/// <para>
/// <c>{name}</c> is replaced by the value of that argument, formatted with the invariant culture; a
/// <see langword="null"/> value formats as the empty string. <c>{{</c> and <c>}}</c> stand for literal braces.
/// </para>
/// <para>
/// The same rules apply to <see cref="RequiresApprovalAttribute.Resource"/> and
/// <see cref="RequiresApprovalAttribute.Destination"/> on decorated methods and to the templates of agent-framework
/// tools: a template may not name a sensitive argument, whose value would otherwise leave the process in clear text.
/// </para>
/// </remarks>
public sealed class ActionTemplate
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

    /// <summary>Parses a template against the names of an action's arguments.</summary>
    /// <param name="template">The template text, for example <c>"s3://{bucket}/{key}"</c>.</param>
    /// <param name="argumentNames">The argument names, in the order <see cref="Format(IReadOnlyList{object})"/> receives the values.</param>
    /// <param name="sensitiveArgumentNames">Arguments the template may not use, because their values must not leave the process.</param>
    /// <param name="owner">What the template belongs to, for example <c>"tool 'export_customers'"</c>, for messages.</param>
    /// <returns>The compiled template.</returns>
    /// <exception cref="ArgumentException">The template is malformed or names an argument it may not use; the message says where.</exception>
    public static ActionTemplate Parse(
        string template,
        IReadOnlyList<string> argumentNames,
        IEnumerable<string>? sensitiveArgumentNames = null,
        string? owner = null)
    {
        Guard.NotNull(template);
        Guard.NotNull(argumentNames);
        var sensitive = sensitiveArgumentNames is null ? [] : new HashSet<string>(sensitiveArgumentNames, StringComparer.Ordinal);
        var arguments = new TemplateArgument[argumentNames.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            var name = argumentNames[i];
            arguments[i] = new TemplateArgument(name, sensitive.Contains(name) ? SensitiveRefusal : null);
        }

        try
        {
            return Parse(template, propertyName: null, owner ?? "The action", arguments, "argument");
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException(ex.Message, nameof(template), ex);
        }
    }

    /// <summary>Fills the template from an action's argument values.</summary>
    /// <param name="values">The values, in the order of the argument names the template was parsed against.</param>
    /// <returns>The filled text.</returns>
    public string Format(IReadOnlyList<object?> values)
    {
        Guard.NotNull(values);
        var handler = new DefaultInterpolatedStringHandler(_literalLength, _holeCount, CultureInfo.InvariantCulture);
        foreach (var segment in _segments)
        {
            if (segment.Literal is { } literal)
            {
                handler.AppendLiteral(literal);
            }
            else
            {
                handler.AppendFormatted(values[segment.ParameterIndex]);
            }
        }

        return handler.ToStringAndClear();
    }

    /// <summary>The refusal message for a sensitive argument named in a template.</summary>
    internal const string SensitiveRefusal =
        "which is [Sensitive]: its value would leave the process in clear text in the approval request. Remove it from the template.";

    /// <summary>Parses and validates a template against a method's parameters or a tool's arguments.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="propertyName">The attribute property it came from, for messages.</param>
    /// <param name="methodDisplayName">The method as <c>Type.Method</c>, or the tool, for messages.</param>
    /// <param name="parameters">Each position's name, and why a template may not use it (or <see langword="null"/>).</param>
    /// <param name="noun">What a position is called in messages: <c>"parameter"</c> or <c>"argument"</c>.</param>
    /// <returns>The compiled template.</returns>
    /// <exception cref="InvalidOperationException">The template is malformed or names a parameter it may not use.</exception>
    internal static ActionTemplate Parse(
        string template,
        string? propertyName,
        string methodDisplayName,
        IReadOnlyList<TemplateArgument> parameters,
        string noun = "parameter")
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

                var index = ResolveParameter(template, propertyName, methodDisplayName, name, parameters, noun);
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

    private static int ResolveParameter(
        string template,
        string? propertyName,
        string methodDisplayName,
        string name,
        IReadOnlyList<TemplateArgument> parameters,
        string noun)
    {
        for (var p = 0; p < parameters.Count; p++)
        {
            if (!string.Equals(parameters[p].Name, name, StringComparison.Ordinal))
            {
                continue;
            }

            if (parameters[p].Refusal is { } refusal)
            {
                throw Error(template, propertyName, methodDisplayName, $"names {noun} '{name}', {refusal}");
            }

            return p;
        }

        var names = parameters.Count == 0
            ? $"It has no {noun}s."
            : $"Its {noun}s are: " + string.Join(", ", parameters.Select(static p => p.Name)) + ".";
        throw Error(template, propertyName, methodDisplayName,
            $"names {noun} '{name}', which it does not have. {names}");
    }

    private static InvalidOperationException Error(string template, string? propertyName, string methodDisplayName, string problem) =>
        new(propertyName is null
            ? $"{methodDisplayName}: the template \"{template}\" {problem}"
            : $"{methodDisplayName}: the {propertyName} template \"{template}\" {problem}");

    private readonly record struct Segment(string? Literal, int ParameterIndex);
}

/// <summary>One position a template may name: the argument's name, and why it may not be used, if it may not.</summary>
/// <param name="Name">The argument or parameter name.</param>
/// <param name="Refusal">Why a template may not name it (completing "uses 'x', …"), or <see langword="null"/>.</param>
internal readonly record struct TemplateArgument(string? Name, string? Refusal);
