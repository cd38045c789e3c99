using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace ActionGuard.Server.Web;

/// <summary>
/// Builds a page. <see cref="Text"/> HTML-encodes everything it is given (actions carry agent-controlled text, so all
/// request data goes through it); <see cref="Raw"/> takes only the page's own markup.
/// </summary>
internal sealed class HtmlWriter
{
    // Letters of every script stay readable in the source; markup characters, quotes and controls are encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _builder = new(8192);

    public static string Encode(string? value) => value is null ? string.Empty : Encoder.Encode(value);

    /// <summary>Appends the page's own markup, never request data.</summary>
    public HtmlWriter Raw(string markup)
    {
        _builder.Append(markup);
        return this;
    }

    /// <summary>Appends <paramref name="value"/> HTML-encoded; safe inside elements and quoted attributes.</summary>
    public HtmlWriter Text(string? value)
    {
        if (value is not null)
        {
            Encoder.Encode(new StringWriter(_builder, CultureInfo.InvariantCulture), value);
        }

        return this;
    }

    /// <summary>Appends <c>&lt;tag&gt;value&lt;/tag&gt;</c> with the value encoded.</summary>
    public HtmlWriter Element(string tag, string? value, string? cssClass = null)
    {
        _builder.Append('<').Append(tag);
        if (cssClass is not null)
        {
            _builder.Append(" class=\"").Append(cssClass).Append('"');
        }

        _builder.Append('>');
        Text(value);
        _builder.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Appends a <c>&lt;time&gt;</c> in UTC with its machine-readable form.</summary>
    public HtmlWriter Time(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        _builder.Append("<time datetime=\"")
            .Append(utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append("\">")
            .Append(utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))
            .Append("</time>");
        return this;
    }

    public override string ToString() => _builder.ToString();
}
