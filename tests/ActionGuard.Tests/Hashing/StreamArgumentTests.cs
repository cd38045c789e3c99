using System.Text;
using ActionGuard.Hashing;
using ActionGuard.Redaction;

namespace ActionGuard.Tests.Hashing;

public sealed class StreamArgumentTests
{
    private static readonly byte[] Nonce = new byte[16];

    private static string Hash(object? payload) =>
        new ActionHasher(null).ComputeHash(
            new GuardedAction(ActionKind.DataExport, "Exporter.Upload") { Arguments = [new("payload", payload)] },
            environment: null,
            Nonce);

    private static MemoryStream Content(string text, int skip = 0)
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        stream.Position = skip;
        return stream;
    }

    [Fact]
    public void A_seekable_stream_is_bound_to_its_content_and_left_where_it_was()
    {
        using var first = Content("id,email\n1,a@example.com\n", skip: 3);
        using var same = Content("id,email\n1,a@example.com\n", skip: 3);

        var hash = Hash(first);

        Assert.Equal(hash, Hash(same));
        Assert.Equal(3, first.Position);
        Assert.Equal(hash, Hash(first));
    }

    [Fact]
    public void Changing_one_byte_of_the_stream_changes_the_hash()
    {
        using var original = Content("id,email\n1,a@example.com\n");
        using var changed = Content("id,email\n1,b@example.com\n");

        Assert.NotEqual(Hash(original), Hash(changed));
    }

    [Fact]
    public void A_stream_cannot_hash_like_the_object_it_describes()
    {
        using var stream = Content("abc");
        var described = new Dictionary<string, object> { ["length"] = 3L, ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("abc"u8)) };

        // The two are the same JSON on purpose: binding is by argument name and a parameter has one type.
        Assert.Equal(Hash(stream), Hash(described));
    }

    [Fact]
    public void A_forward_only_stream_is_refused_rather_than_consumed()
    {
        using var inner = Content("secret rows");
        using var forwardOnly = new ForwardOnlyStream(inner);

        var ex = Assert.Throws<ArgumentException>(() => Hash(forwardOnly));

        Assert.Contains("cannot seek", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, inner.Position);
    }

    [Fact]
    public void The_reviewer_sees_the_size_of_a_stream_but_neither_its_content_nor_its_hash()
    {
        using var stream = Content("1,carol@example.com,4111111111111111\n");
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);

        var redacted = redactor.Redact([new("payload", stream)]);

        var text = redacted.Arguments["payload"].GetString();
        Assert.Equal($"[stream: {stream.Length} bytes]", text);
        Assert.Equal(0, stream.Position);
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
