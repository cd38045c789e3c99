using Microsoft.CodeAnalysis.Text;

namespace ActionGuard.Analyzers.Catalog;

/// <summary>A line of a user catalog that could not be read.</summary>
internal sealed class CatalogError
{
    public CatalogError(TextSpan span, LinePositionSpan lineSpan, string message)
    {
        Span = span;
        LineSpan = lineSpan;
        Message = message;
    }

    public TextSpan Span { get; }

    public LinePositionSpan LineSpan { get; }

    public string Message { get; }
}
