using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text.Unicode;

namespace ActionGuard.Hashing;

/// <summary>
/// Writes RFC 8785 (JSON Canonicalization Scheme) tokens straight into an <see cref="IBufferWriter{T}"/>, so hot paths
/// can emit primitives without first building a <see cref="System.Text.Json.JsonElement"/>.
/// </summary>
/// <remarks>
/// The writer does not sort: callers that emit objects write their members in ordinal (UTF-16 code unit) order
/// themselves, as <see cref="CanonicalJson"/> and the action hasher do. Separators need no stack: a comma is due
/// exactly when the previous token completed a value (or was a property name's value) and the next token starts one.
/// </remarks>
internal ref struct CanonicalJsonWriter
{
    // Longest ECMAScript rendering of a double: "-1.2345678901234567e-308" is 24 bytes; "0.000000" + 17 digits is 26.
    private const int MaxNumberBytes = 64;

    // Characters RFC 8785 escapes: '"', '\' and the C0 controls. Everything else goes out as literal UTF-8.
    private static readonly SearchValues<char> EscapedChars = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly IBufferWriter<byte> _output;
    private bool _needsSeparator;

    public CanonicalJsonWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _needsSeparator = false;
    }

    public void WriteStartObject()
    {
        WriteSeparator();
        WriteByte((byte)'{');
        _needsSeparator = false;
    }

    public void WriteEndObject()
    {
        WriteByte((byte)'}');
        _needsSeparator = true;
    }

    public void WriteStartArray()
    {
        WriteSeparator();
        WriteByte((byte)'[');
        _needsSeparator = false;
    }

    public void WriteEndArray()
    {
        WriteByte((byte)']');
        _needsSeparator = true;
    }

    public void WritePropertyName(scoped ReadOnlySpan<char> name)
    {
        WriteSeparator();
        WriteQuoted(name);
        WriteByte((byte)':');
        _needsSeparator = false;
    }

    /// <summary>Writes a property name that is known to be ASCII without characters that need escaping.</summary>
    public void WritePropertyNameAscii(scoped ReadOnlySpan<byte> name)
    {
        WriteSeparator();
        WriteQuotedAscii(name);
        WriteByte((byte)':');
        _needsSeparator = false;
    }

    public void WriteString(scoped ReadOnlySpan<char> value)
    {
        WriteSeparator();
        WriteQuoted(value);
        _needsSeparator = true;
    }

    /// <summary>Writes one string value made of two parts, such as a truncated text and its length note.</summary>
    public void WriteString(scoped ReadOnlySpan<char> first, scoped ReadOnlySpan<char> second)
    {
        WriteSeparator();
        WriteByte((byte)'"');
        WriteStringContent(first);
        WriteStringContent(second);
        WriteByte((byte)'"');
        _needsSeparator = true;
    }

    /// <summary>
    /// Writes a number token exactly as given (already valid JSON). Not canonical: only for output that is shown, not
    /// hashed, where a large integer must keep its digits.
    /// </summary>
    public void WriteRawNumber(scoped ReadOnlySpan<byte> utf8Number)
    {
        WriteSeparator();
        WriteAscii(utf8Number);
        _needsSeparator = true;
    }

    /// <summary>Writes a string value that is known to be ASCII without characters that need escaping.</summary>
    public void WriteStringAscii(scoped ReadOnlySpan<byte> value)
    {
        WriteSeparator();
        WriteQuotedAscii(value);
        _needsSeparator = true;
    }

    /// <summary>Writes bytes as a standard base64 string (with padding).</summary>
    public void WriteBase64String(scoped ReadOnlySpan<byte> value)
    {
        WriteSeparator();
        WriteByte((byte)'"');
        int length = Base64.GetMaxEncodedToUtf8Length(value.Length);
        Span<byte> destination = _output.GetSpan(length);
        OperationStatus status = Base64.EncodeToUtf8(value, destination, out _, out int written);
        Debug.Assert(status == OperationStatus.Done, "The destination was sized for the whole input.");
        _output.Advance(written);
        WriteByte((byte)'"');
        _needsSeparator = true;
    }

    /// <summary>Writes bytes as a base64url string without padding.</summary>
    public void WriteBase64UrlString(scoped ReadOnlySpan<byte> value)
    {
        WriteSeparator();
        WriteByte((byte)'"');
        int length = Base64Url.GetEncodedLength(value.Length);
        Span<byte> destination = _output.GetSpan(length);
        int written = Base64Url.EncodeToUtf8(value, destination);
        _output.Advance(written);
        WriteByte((byte)'"');
        _needsSeparator = true;
    }

    /// <summary>Writes a number as ECMAScript's <c>Number.prototype.toString</c> renders it (RFC 8785 §3.2.2.3).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite, which JSON cannot express.</exception>
    public void WriteNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{value} cannot be written as canonical JSON: JSON has no NaN or Infinity."),
                nameof(value));
        }

        WriteSeparator();
        if (value == 0)
        {
            // Covers -0 as well: ECMAScript prints both as "0".
            WriteByte((byte)'0');
        }
        else
        {
            Span<byte> shortest = stackalloc byte[MaxNumberBytes];
            bool formatted = value.TryFormat(shortest, out int length, "R", CultureInfo.InvariantCulture);
            Debug.Assert(formatted, "A round-trip double always fits in 64 bytes.");
            WriteEcmaScriptNumber(shortest[..length]);
        }

        _needsSeparator = true;
    }

    /// <summary>
    /// Writes a single-precision number from its own shortest round-trip digits, so <c>0.1f</c> is <c>0.1</c> (as
    /// System.Text.Json writes it) rather than the widened double <c>0.10000000149011612</c>.
    /// </summary>
    public void WriteNumber(float value)
    {
        if (!float.IsFinite(value) || value == 0)
        {
            WriteNumber((double)value);
            return;
        }

        WriteSeparator();
        Span<byte> shortest = stackalloc byte[MaxNumberBytes];
        bool formatted = value.TryFormat(shortest, out int length, "R", CultureInfo.InvariantCulture);
        Debug.Assert(formatted, "A round-trip float always fits in 64 bytes.");
        WriteEcmaScriptNumber(shortest[..length]);
        _needsSeparator = true;
    }

    /// <summary>Writes an integer that a double holds exactly (|value| ≤ 2^53); ECMAScript prints such integers as plain digits.</summary>
    public void WriteNumber(long value)
    {
        Debug.Assert(value is >= -(1L << 53) and <= 1L << 53, "Larger integers are not exact in a double; callers write them as strings.");
        WriteSeparator();
        Span<byte> destination = _output.GetSpan(20);
        bool formatted = Utf8Formatter.TryFormat(value, destination, out int written);
        Debug.Assert(formatted, "A long always fits in 20 bytes.");
        _output.Advance(written);
        _needsSeparator = true;
    }

    public void WriteBoolean(bool value)
    {
        WriteSeparator();
        WriteAscii(value ? "true"u8 : "false"u8);
        _needsSeparator = true;
    }

    public void WriteNull()
    {
        WriteSeparator();
        WriteAscii("null"u8);
        _needsSeparator = true;
    }

    private void WriteSeparator()
    {
        if (_needsSeparator)
        {
            WriteByte((byte)',');
        }
    }

    private readonly void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private readonly void WriteAscii(scoped ReadOnlySpan<byte> value)
    {
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }

    private readonly void WriteQuotedAscii(scoped ReadOnlySpan<byte> value)
    {
        Debug.Assert(
            value.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0 && value.IndexOfAnyInRange((byte)0, (byte)0x1F) < 0
            && value.IndexOfAny((byte)'"', (byte)'\\') < 0,
            "The value must be plain ASCII that needs no escaping.");
        Span<byte> destination = _output.GetSpan(value.Length + 2);
        destination[0] = (byte)'"';
        value.CopyTo(destination[1..]);
        destination[value.Length + 1] = (byte)'"';
        _output.Advance(value.Length + 2);
    }

    private readonly void WriteQuoted(scoped ReadOnlySpan<char> value)
    {
        WriteByte((byte)'"');
        WriteStringContent(value);
        WriteByte((byte)'"');
    }

    private readonly void WriteStringContent(scoped ReadOnlySpan<char> value)
    {
        while (!value.IsEmpty)
        {
            int index = value.IndexOfAny(EscapedChars);
            if (index < 0)
            {
                WriteUtf8(value);
                break;
            }

            WriteUtf8(value[..index]);
            WriteEscaped(value[index]);
            value = value[(index + 1)..];
        }
    }

    private readonly void WriteEscaped(char c)
    {
        switch (c)
        {
            case '"': WriteAscii("\\\""u8); break;
            case '\\': WriteAscii("\\\\"u8); break;
            case '\b': WriteAscii("\\b"u8); break;
            case '\t': WriteAscii("\\t"u8); break;
            case '\n': WriteAscii("\\n"u8); break;
            case '\f': WriteAscii("\\f"u8); break;
            case '\r': WriteAscii("\\r"u8); break;
            default:
                Span<byte> destination = _output.GetSpan(6);
                "\\u00"u8.CopyTo(destination);
                destination[4] = HexLower((c >> 4) & 0xF);
                destination[5] = HexLower(c & 0xF);
                _output.Advance(6);
                break;
        }
    }

    private static byte HexLower(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private readonly void WriteUtf8(scoped ReadOnlySpan<char> run)
    {
        // Transcode in chunks so a 1 MB string does not ask the buffer for 3 MB at once.
        const int ChunkChars = 4096;
        while (!run.IsEmpty)
        {
            int take = Math.Min(run.Length, ChunkChars);
            if (take < run.Length && char.IsHighSurrogate(run[take - 1]))
            {
                take--;
            }

            Span<byte> destination = _output.GetSpan(take * 3);
            OperationStatus status = Utf8.FromUtf16(run[..take], destination, out int read, out int written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                Debug.Assert(status == OperationStatus.InvalidData, "The destination was sized for the worst case.");
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The string contains a lone surrogate (U+{(int)run[read]:X4}) at offset {read}; canonical JSON needs valid Unicode."));
            }

            _output.Advance(written);
            run = run[take..];
        }
    }

    // Lays out the shortest round-trip digits of .NET's "R" format ([-]d[.ddd][E[+-]nn]) the way ECMAScript does:
    // k significant digits s, decimal exponent n (value = 0.s × 10^n), then the four cases of Number::toString.
    private readonly void WriteEcmaScriptNumber(scoped ReadOnlySpan<byte> roundTrip)
    {
        Span<byte> digits = stackalloc byte[32];
        int digitCount = 0;
        int pointPosition = 0;
        bool seenPoint = false;
        bool negative = false;
        int exponent = 0;
        int i = 0;

        if (roundTrip[0] == (byte)'-')
        {
            negative = true;
            i++;
        }

        for (; i < roundTrip.Length; i++)
        {
            byte b = roundTrip[i];
            if (b == (byte)'.')
            {
                seenPoint = true;
            }
            else if (b is (byte)'E' or (byte)'e')
            {
                bool parsed = int.TryParse(roundTrip[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent);
                Debug.Assert(parsed, "The round-trip format writes a valid exponent.");
                break;
            }
            else if (digitCount == 0 && b == (byte)'0')
            {
                // A leading zero: "0.001" has its point before the zeros that follow.
                if (seenPoint)
                {
                    pointPosition--;
                }
            }
            else
            {
                digits[digitCount++] = b;
                if (!seenPoint)
                {
                    pointPosition++;
                }
            }
        }

        while (digitCount > 1 && digits[digitCount - 1] == (byte)'0')
        {
            digitCount--;
        }

        int k = digitCount;
        int n = pointPosition + exponent;
        Span<byte> destination = _output.GetSpan(MaxNumberBytes);
        int w = 0;
        if (negative)
        {
            destination[w++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            digits[..k].CopyTo(destination[w..]);
            w += k;
            destination.Slice(w, n - k).Fill((byte)'0');
            w += n - k;
        }
        else if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination[w..]);
            w += n;
            destination[w++] = (byte)'.';
            digits[n..k].CopyTo(destination[w..]);
            w += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[w++] = (byte)'0';
            destination[w++] = (byte)'.';
            destination.Slice(w, -n).Fill((byte)'0');
            w += -n;
            digits[..k].CopyTo(destination[w..]);
            w += k;
        }
        else
        {
            destination[w++] = digits[0];
            if (k > 1)
            {
                destination[w++] = (byte)'.';
                digits[1..k].CopyTo(destination[w..]);
                w += k - 1;
            }

            destination[w++] = (byte)'e';
            int e = n - 1;
            destination[w++] = e < 0 ? (byte)'-' : (byte)'+';
            bool formatted = Utf8Formatter.TryFormat(Math.Abs(e), destination[w..], out int written);
            Debug.Assert(formatted, "The exponent has at most three digits.");
            w += written;
        }

        _output.Advance(w);
    }
}
