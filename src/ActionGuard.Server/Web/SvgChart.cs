using System.Globalization;

namespace ActionGuard.Server.Web;

/// <summary>
/// Horizontal bar charts drawn on the server as inline SVG: no script, no external resource, colours that stay apart
/// for colour-blind readers, a title and description for screen readers, and the figures in a table beside the chart.
/// </summary>
internal static class SvgChart
{
    private const int LabelWidth = 190;
    private const int BarWidth = 460;
    private const int RowHeight = 24;
    private const int LegendHeight = 26;

    // Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
    private static readonly string[] Palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

    /// <summary>Draws one bar per row; with <paramref name="stacked"/> the series of a row add up, otherwise they sit side by side.</summary>
    public static void Bars(
        HtmlWriter html,
        string id,
        string title,
        string description,
        IReadOnlyList<string> series,
        IReadOnlyList<(string Label, IReadOnlyList<double> Values)> rows,
        bool stacked,
        Func<double, string> format)
    {
        if (rows.Count == 0)
        {
            html.Raw("<figure class=\"chart\" id=\"").Text(id).Raw("\">\n<p class=\"empty\">Nothing to chart yet.</p>\n<figcaption>").Text(title).Raw("</figcaption>\n</figure>\n");
            return;
        }

        var max = rows.Max(r => stacked ? r.Values.Sum() : r.Values.DefaultIfEmpty(0).Max());
        var scale = max <= 0 ? 0 : BarWidth / max;
        var rowHeight = stacked ? RowHeight : Math.Max(RowHeight, 6 + (series.Count * 10));
        var height = LegendHeight + (rows.Count * rowHeight) + 8;
        var width = LabelWidth + BarWidth + 70;

        html.Raw("<figure class=\"chart\" id=\"").Text(id).Raw("\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"")
            .Raw(Number(width)).Raw("\" height=\"").Raw(Number(height)).Raw("\" viewBox=\"0 0 ").Raw(Number(width)).Raw(' ' + Number(height))
            .Raw("\" aria-labelledby=\"").Text(id + "-title " + id + "-desc").Raw("\">\n<title id=\"").Text(id + "-title").Raw("\">").Text(title)
            .Raw("</title>\n<desc id=\"").Text(id + "-desc").Raw("\">").Text(description).Raw("</desc>\n");

        var x = LabelWidth;
        for (var s = 0; s < series.Count; s++)
        {
            html.Raw("<rect x=\"").Raw(Number(x)).Raw("\" y=\"6\" width=\"12\" height=\"12\" fill=\"").Raw(Palette[s % Palette.Length]).Raw("\"/>")
                .Raw("<text x=\"").Raw(Number(x + 16)).Raw("\" y=\"16\" font-size=\"12\">").Text(series[s]).Raw("</text>\n");
            x += 24 + (series[s].Length * 7);
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var (label, values) = rows[r];
            var top = LegendHeight + (r * rowHeight);
            html.Raw("<text x=\"").Raw(Number(LabelWidth - 8)).Raw("\" y=\"").Raw(Number(top + 15)).Raw("\" font-size=\"12\" text-anchor=\"end\">").Text(label).Raw("</text>\n");
            var offset = 0.0;
            for (var s = 0; s < values.Count; s++)
            {
                var length = values[s] * scale;
                var barTop = stacked ? top + 3 : top + 3 + (s * 10);
                var barHeight = stacked ? RowHeight - 6 : 8;
                if (length > 0)
                {
                    html.Raw("<rect x=\"").Raw(Number(LabelWidth + (stacked ? offset : 0))).Raw("\" y=\"").Raw(Number(barTop)).Raw("\" width=\"").Raw(Number(length))
                        .Raw("\" height=\"").Raw(Number(barHeight)).Raw("\" fill=\"").Raw(Palette[s % Palette.Length]).Raw("\"><title>")
                        .Text($"{label}, {series[s]}: {format(values[s])}").Raw("</title></rect>\n");
                }

                offset += stacked ? length : 0;
            }

            var total = stacked ? values.Sum() : values.DefaultIfEmpty(0).Max();
            html.Raw("<text x=\"").Raw(Number(LabelWidth + (total * scale) + 6)).Raw("\" y=\"").Raw(Number(top + 15)).Raw("\" font-size=\"12\">")
                .Text(stacked ? format(total) : string.Join(" / ", values.Select(format))).Raw("</text>\n");
        }

        html.Raw("</svg>\n<figcaption>").Text(title).Raw("</figcaption>\n");
        html.Raw("<details><summary>Figures</summary>\n<table class=\"figures\"><thead><tr><th scope=\"col\"></th>");
        foreach (var name in series)
        {
            html.Element("th", name);
        }

        html.Raw("</tr></thead>\n<tbody>\n");
        foreach (var (label, values) in rows)
        {
            html.Raw("<tr><th scope=\"row\">").Text(label).Raw("</th>");
            foreach (var value in values)
            {
                html.Element("td", format(value));
            }

            html.Raw("</tr>\n");
        }

        html.Raw("</tbody></table>\n</details>\n</figure>\n");
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
