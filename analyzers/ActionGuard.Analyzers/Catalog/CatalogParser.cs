using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Catalog;

/// <summary>
/// Reads catalog text: one <c>{DocCommentId};{Kind};{message}</c> per line, <c>//</c> comments and blank lines
/// ignored, the format BannedApiAnalyzers uses for its banned-symbol files plus a kind. An ID with <c>*</c> or
/// <c>{a,b}</c> is a family rule (<see cref="DocIdPattern"/>).
/// </summary>
internal static class CatalogParser
{
    private static readonly char[] Separator = { ';' };

    public static void Parse(SourceText text, List<CatalogEntry> entries, List<CatalogError> errors)
    {
        foreach (var line in text.Lines)
        {
            var raw = line.ToString();
            var content = StripComment(raw);
            var trimmed = content.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var start = raw.IndexOf(trimmed[0]);
            var span = new TextSpan(line.Start + start, trimmed.Length);
            var error = TryParseLine(trimmed, out var entry);
            if (error is null)
            {
                entries.Add(entry!);
            }
            else
            {
                errors.Add(new CatalogError(span, text.Lines.GetLinePositionSpan(span), error));
            }
        }
    }

    public static string? TryParseLine(string line, out CatalogEntry? entry)
    {
        entry = null;
        var parts = line.Split(Separator, 3);
        if (parts.Length < 2)
        {
            return $"'{line}' needs at least '{{DocCommentId}};{{Kind}}'";
        }

        var id = parts[0].Trim();
        var kindText = parts[1].Trim();
        var message = parts.Length > 2 ? parts[2].Trim() : string.Empty;
        if (!TryParseKind(kindText, out var kind))
        {
            return $"'{kindText}' is not a kind: use DataExport, PermissionChange, InfrastructureMutation or Ignore";
        }

        if (id.Length < 3 || id[1] != ':' || (id[0] != 'M' && id[0] != 'T'))
        {
            return $"'{id}' is not a documentation-comment ID of a method (M:) or type (T:)";
        }

        if (DocIdPattern.IsPattern(id))
        {
            var patternError = DocIdPattern.TryParse(id.Substring(2), isMethod: id[0] == 'M', out var family);
            if (patternError is not null)
            {
                return $"'{id}': {patternError}";
            }

            entry = new CatalogEntry(id, kind, message, family!);
            return null;
        }

        var paren = id.IndexOf('(');
        var name = paren < 0 ? id.Substring(2) : id.Substring(2, paren - 2);
        if (name.Length == 0 || name.IndexOf(' ') >= 0 || (paren >= 0 && id[id.Length - 1] != ')'))
        {
            return $"'{id}' is not a well-formed documentation-comment ID";
        }

        string containerFullName;
        string? memberName;
        if (id[0] == 'T')
        {
            if (paren >= 0)
            {
                return $"'{id}' is a type ID with a parameter list";
            }

            containerFullName = name;
            memberName = null;
        }
        else
        {
            var dot = name.LastIndexOf('.');
            if (dot <= 0 || dot == name.Length - 1)
            {
                return $"'{id}' names no containing type";
            }

            containerFullName = name.Substring(0, dot);
            memberName = name.Substring(dot + 1);
            var tick = memberName.IndexOf('`');
            if (tick >= 0)
            {
                memberName = memberName.Substring(0, tick);
            }

            memberName = memberName == "#ctor" ? ".ctor" : memberName == "#cctor" ? ".cctor" : memberName;
        }

        var simple = containerFullName.Substring(containerFullName.LastIndexOf('.') + 1);
        var arity = simple.IndexOf('`');
        if (arity >= 0)
        {
            simple = simple.Substring(0, arity);
        }

        entry = new CatalogEntry(id, kind, message, containerFullName, simple, memberName);
        return null;
    }

    private static bool TryParseKind(string text, out SensitiveKind kind)
    {
        switch (text)
        {
            case "DataExport":
                kind = SensitiveKind.DataExport;
                return true;
            case "PermissionChange":
                kind = SensitiveKind.PermissionChange;
                return true;
            case "InfrastructureMutation":
                kind = SensitiveKind.InfrastructureMutation;
                return true;
            case "Ignore":
                kind = SensitiveKind.Ignore;
                return true;
            default:
                kind = SensitiveKind.Ignore;
                return false;
        }
    }

    private static string StripComment(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line.Substring(0, comment);
    }
}
