using System.Text;
using System.Text.RegularExpressions;

namespace ActionGuard.Analyzers.Classification;

/// <summary>
/// Classifies SQL text by its statements: <c>GRANT</c>, <c>REVOKE</c>, <c>ALTER/CREATE/DROP ROLE|USER|LOGIN</c> change
/// permissions; <c>COPY … TO</c> and <c>SELECT … INTO OUTFILE</c> export; <c>DROP</c> and <c>TRUNCATE</c> mutate.
/// </summary>
/// <remarks>String literals, quoted identifiers and comments are blanked first, so <c>'DROP'</c> in data never counts.</remarks>
internal static class SqlTextClassifier
{
    private static readonly Regex Permission = new(
        @"\b(GRANT|REVOKE|(ALTER|CREATE|DROP)\s+(ROLE|USER|LOGIN))\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex Export = new(
        @"(\bCOPY\b[^;]*?\bTO\b|\bINTO\s+OUTFILE\b)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex Mutation = new(
        @"\b(DROP|TRUNCATE)\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);

    public static CallClassification? Classify(string sql)
    {
        if (sql.Length == 0)
        {
            return null;
        }

        var text = Blank(sql);
        if (Permission.Match(text) is { Success: true } permission)
        {
            return new CallClassification(SensitiveKind.PermissionChange, "SQL text with " + Keyword(permission.Value));
        }

        if (Export.Match(text) is { Success: true } export)
        {
            var keyword = export.Value.StartsWith("COPY", System.StringComparison.OrdinalIgnoreCase) ? "COPY … TO" : "INTO OUTFILE";
            return new CallClassification(SensitiveKind.DataExport, "SQL text with " + keyword);
        }

        if (Mutation.Match(text) is { Success: true } mutation)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, "SQL text with " + Keyword(mutation.Value));
        }

        return null;
    }

    private static string Keyword(string match) => Whitespace.Replace(match, " ").ToUpperInvariant();

    // Replaces the contents of '…', "…", `…`, [ … ], -- and /* */ comments with spaces.
    private static string Blank(string sql)
    {
        var builder = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            char close;
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    builder.Append(' ');
                    i++;
                }

                continue;
            }

            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                end = end < 0 ? sql.Length : end + 2;
                builder.Append(' ', end - i);
                i = end;
                continue;
            }

            switch (c)
            {
                case '\'':
                    close = '\'';
                    break;
                case '"':
                    close = '"';
                    break;
                case '`':
                    close = '`';
                    break;
                case '[':
                    close = ']';
                    break;
                default:
                    builder.Append(c);
                    i++;
                    continue;
            }

            var stop = sql.IndexOf(close, i + 1);
            stop = stop < 0 ? sql.Length : stop + 1;
            builder.Append(' ', stop - i);
            i = stop;
        }

        return builder.ToString();
    }
}
