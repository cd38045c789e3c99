using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActionGuard.Classification;

/// <summary>Takes text in segments that end at a line break (or at a forced cut of an over-long line).</summary>
internal interface ISegmentConsumer
{
    void Feed(ReadOnlySpan<char> segment);

    void Complete();
}

/// <summary>Free text: each segment is scanned as it comes.</summary>
internal sealed class TextConsumer(TextScanner scanner) : ISegmentConsumer
{
    public void Feed(ReadOnlySpan<char> segment) => scanner.Scan(segment);

    public void Complete()
    {
    }
}

/// <summary>
/// RFC 4180 CSV, read incrementally: quoted fields may hold separators, doubled quotes and line breaks, and may span
/// segments. The first record is the header; each later field is scanned with its column name as context.
/// </summary>
internal sealed class CsvConsumer(TextScanner scanner, int maxFieldLength) : ISegmentConsumer
{
    private readonly List<string> _header = [];
    private char[] _field = new char[256];
    private int _length;
    private bool _headerDone;
    private bool _inQuotes;
    private bool _quotePending;
    private int _column;

    public void Feed(ReadOnlySpan<char> segment)
    {
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            if (_inQuotes)
            {
                if (_quotePending)
                {
                    _quotePending = false;
                    if (c == '"')
                    {
                        Append('"');
                        continue;
                    }

                    _inQuotes = false;
                }
                else if (c == '"')
                {
                    _quotePending = true;
                    continue;
                }
                else
                {
                    Append(c);
                    continue;
                }
            }

            switch (c)
            {
                case '"' when _length == 0:
                    _inQuotes = true;
                    break;
                case ',':
                    EndField();
                    break;
                case '\n':
                    EndField();
                    EndRecord();
                    break;
                case '\r':
                    break;
                default:
                    Append(c);
                    break;
            }
        }

    }

    public void Complete()
    {
        if (_length > 0 || _column > 0)
        {
            EndField();
            EndRecord();
        }
    }

    private void Append(char c)
    {
        if (_length == _field.Length)
        {
            if (_length >= maxFieldLength)
            {
                // Bounded memory: an over-long field is scanned in pieces under the same column.
                ScanField();
                _length = 0;
            }
            else
            {
                Array.Resize(ref _field, Math.Min(_field.Length * 2, Math.Max(maxFieldLength, 256)));
            }
        }

        _field[_length++] = c;
    }

    private void EndField()
    {
        if (!_headerDone)
        {
            _header.Add(new string(_field, 0, _length).Trim());
        }
        else
        {
            ScanField();
            _column++;
        }

        _length = 0;
    }

    private void ScanField()
    {
        if (_headerDone && _length > 0)
        {
            scanner.Scan(_field.AsSpan(0, _length), _column < _header.Count ? _header[_column] : null);
        }
    }

    private void EndRecord()
    {
        _headerDone = true;
        _column = 0;
    }
}

/// <summary>JSON lines: string and number values are scanned with their property name as context; a line that is not JSON is scanned as text.</summary>
internal sealed class JsonLinesConsumer(TextScanner scanner) : ISegmentConsumer
{
    private readonly StringBuilder _partial = new();

    public void Feed(ReadOnlySpan<char> segment)
    {
        while (!segment.IsEmpty)
        {
            int newline = segment.IndexOf('\n');
            if (newline < 0)
            {
                _partial.Append(segment);
                return;
            }

            if (_partial.Length > 0)
            {
                _partial.Append(segment[..newline]);
                Line(_partial.ToString());
                _partial.Clear();
            }
            else
            {
                Line(segment[..newline]);
            }

            segment = segment[(newline + 1)..];
        }
    }

    public void Complete()
    {
        if (_partial.Length > 0)
        {
            Line(_partial.ToString());
            _partial.Clear();
        }
    }

    private void Line(ReadOnlySpan<char> line)
    {
        var trimmed = line.Trim();
        if (trimmed.IsEmpty)
        {
            return;
        }

        if (trimmed[0] is not ('{' or '['))
        {
            scanner.Scan(line);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(trimmed.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(trimmed, buffer);
            if (!TryScanJson(buffer.AsSpan(0, length)))
            {
                scanner.Scan(line);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool TryScanJson(ReadOnlySpan<byte> json)
    {
        // Validate first, so that a broken line is scanned once, as text, and not half as JSON.
        var check = new Utf8JsonReader(json);
        try
        {
            while (check.Read())
            {
            }
        }
        catch (JsonException)
        {
            return false;
        }

        var reader = new Utf8JsonReader(json);
        string? property = null;
        Span<char> number = stackalloc char[64];
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    break;
                case JsonTokenType.String:
                    scanner.Scan(reader.GetString(), property);
                    break;
                case JsonTokenType.Number:
                    int written = Encoding.UTF8.GetChars(reader.ValueSpan[..Math.Min(reader.ValueSpan.Length, 64)], number);
                    scanner.Scan(number[..written], property);
                    break;
            }
        }

        return true;
    }
}

/// <summary>Helpers shared by the consumers.</summary>
internal static class CellText
{
    /// <summary>The text a row cell is scanned as: strings as they are, numbers in invariant form, other values by ToString.</summary>
    public static string? Of(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
