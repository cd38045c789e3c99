using System.Buffers;
using System.Text;

namespace ActionGuard.Classification;

/// <summary>
/// Decodes a UTF-8 stream in chunks and hands out segments that end at a line break, so no value is split between two
/// scans; a multi-byte character split between two reads is joined by the decoder. Memory is bounded by
/// <c>maxLineLength</c> plus one read: a longer line is cut at its last whitespace, or hard when it has none.
/// </summary>
internal static class StreamSegmenter
{
    private const int ReadSize = 32 * 1024;

    public static async ValueTask<long> ReadAsync(Stream stream, ISegmentConsumer consumer, int maxLineLength, CancellationToken cancellationToken)
    {
        maxLineLength = Math.Max(1024, maxLineLength);
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
        byte[] bytes = ArrayPool<byte>.Shared.Rent(ReadSize);
        char[] chars = ArrayPool<char>.Shared.Rent(maxLineLength + Encoding.UTF8.GetMaxCharCount(ReadSize) + 1);
        long total = 0;
        int carry = 0;
        bool first = true;
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(bytes.AsMemory(0, ReadSize), cancellationToken).ConfigureAwait(false);
                bool final = read == 0;
                int decoded = decoder.GetChars(bytes, 0, read, chars, carry, flush: final);
                int length = carry + decoded;
                int start = 0;
                if (first && length > 0 && chars[0] == '\uFEFF')
                {
                    start = 1;
                }

                first = first && length == 0;
                total += decoded;
                if (final)
                {
                    consumer.Feed(chars.AsSpan(start, length - start));
                    consumer.Complete();
                    return total - start;
                }

                start = Segment(chars, start, length, maxLineLength, consumer);
                carry = length - start;
                chars.AsSpan(start, carry).CopyTo(chars);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Feeds whole lines from <paramref name="chars"/> and returns where the unfinished rest starts.</summary>
    internal static int Segment(char[] chars, int start, int length, int maxLineLength, ISegmentConsumer consumer)
    {
        int newline = chars.AsSpan(start, length - start).LastIndexOf('\n');
        if (newline >= 0)
        {
            consumer.Feed(chars.AsSpan(start, newline + 1));
            start += newline + 1;
        }

        while (length - start > maxLineLength)
        {
            // Cut in the second half of the window at whitespace if there is any, so a value is rarely split.
            var window = chars.AsSpan(start, maxLineLength);
            int space = window[(maxLineLength / 2)..].LastIndexOfAny(' ', '\t');
            int cut = space >= 0 ? (maxLineLength / 2) + space + 1 : maxLineLength;
            if (char.IsHighSurrogate(chars[start + cut - 1]))
            {
                cut--;
            }

            consumer.Feed(chars.AsSpan(start, cut));
            start += cut;
        }

        return start;
    }
}
