using System.Text;
using ActionGuard.Classification;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Classification;

public sealed class GuardIntegrationTests : IDisposable
{
    private const string Card = "4111 1111 1111 1111";
    private readonly InMemoryApprovalBackend _backend = new();

    public interface IExporter
    {
        [RequiresApproval(ActionKind.DataExport, Resource = "s3://exports/{name}")]
        Task<int> ExportRowsAsync(string name, IEnumerable<IReadOnlyDictionary<string, object?>> rows);

        [RequiresApproval(ActionKind.DataExport)]
        Task<int> ExportTextAsync(string name, [Payload] string body);

        [RequiresApproval(ActionKind.DataExport)]
        Task<int> ExportSecretTextAsync([Payload, Sensitive] string body);
    }

    public void Dispose() => _backend.Dispose();

    [Fact]
    public async Task Rows_argument_adds_classes_counts_and_masked_samples()
    {
        var exporter = CreateExporter();
        var rows = Enumerable.Range(0, 1204)
            .Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["email"] = $"user{i}@example.com", ["card"] = i < 3 ? Card : null })
            .ToList();

        await exporter.ExportRowsAsync("customers.csv", rows);

        var request = Assert.Single(_backend.Requests).Request;
        Assert.Equal(1204, request.DataClasses[DataClassNames.Email]);
        Assert.Equal(3, request.DataClasses[DataClassNames.PaymentCard]);
        Assert.Equal(["**** **** **** 1111"], request.DataSamples![DataClassNames.PaymentCard]);
        Assert.All(request.DataSamples[DataClassNames.Email], s => Assert.Matches(@"^u\*\*\*@example\.com$", s));
        string json = System.Text.Json.JsonSerializer.Serialize(request.DataSamples);
        Assert.DoesNotContain("user1@", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payload_string_is_classified_and_merged_with_redaction_counts()
    {
        var exporter = CreateExporter();

        await exporter.ExportTextAsync("notes", "mail ann@example.com key AKIAIOSFODNN7EXAMPLE iban DE89370400440532013000");

        var request = Assert.Single(_backend.Requests).Request;
        Assert.Equal(1, request.DataClasses[DataClassNames.Email]);
        Assert.Equal(1, request.DataClasses[DataClassNames.Iban]);
        Assert.Equal(1, request.DataClasses["secret.aws_access_key"]); // counted by both the redactor and the classifier, once
        Assert.Equal(["DE** **** **** **** **30 00".Replace(" ", "", StringComparison.Ordinal)], request.DataSamples![DataClassNames.Iban]);
        Assert.DoesNotContain("DE89370400440532013000", System.Text.Json.JsonSerializer.Serialize(request.DataSamples), StringComparison.Ordinal);
        Assert.Equal("[payload]", request.Arguments["body"].GetString());
        Assert.DoesNotContain("ann@example.com", System.Text.Json.JsonSerializer.Serialize(request.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sensitive_payload_gives_counts_without_samples()
    {
        var exporter = CreateExporter();

        await exporter.ExportSecretTextAsync("mail ann@example.com");

        var request = Assert.Single(_backend.Requests).Request;
        Assert.Equal(1, request.DataClasses[DataClassNames.Email]);
        Assert.Null(request.DataSamples);
    }

    [Fact]
    public async Task Seekable_stream_is_classified_and_its_position_restored()
    {
        var guard = CreateGuard();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("header\nann@example.com,4111111111111111\n"));
        stream.Position = 7;
        long seenPosition = -1;
        var streamAction = new GuardedAction(ActionKind.DataExport, "Upload") { Arguments = [new ActionArgument("file", stream) { IsPayload = true }] };
        await guard.ExecuteAsync(streamAction, (s, _) => { seenPosition = s.Position; return ValueTask.FromResult(0); }, stream);

        var request = Assert.Single(_backend.Requests).Request;
        Assert.Equal(1, request.DataClasses[DataClassNames.Email]);
        Assert.Equal(1, request.DataClasses[DataClassNames.PaymentCard]);
        Assert.Equal(7, seenPosition);
    }

    [Fact]
    public async Task Forward_only_stream_is_refused_without_being_read()
    {
        // Its content can be neither classified nor bound to the approval without consuming it: fail closed.
        var guard = CreateGuard();
        using var inner = new MemoryStream(Encoding.UTF8.GetBytes("ann@example.com"));
        using var stream = new ForwardOnlyStream(inner);
        var action = new GuardedAction(ActionKind.DataExport, "Upload") { Arguments = [new ActionArgument("file", stream)] };
        var ran = false;

        await Assert.ThrowsAsync<ArgumentException>(() => guard.ExecuteAsync(action, (_, _) => { ran = true; return ValueTask.FromResult(0); }, 0).AsTask());

        Assert.False(ran);
        Assert.Empty(_backend.Requests);
        Assert.Equal(0, inner.Position);
    }

    private IExporter CreateExporter()
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "dlp-agent").UseInMemoryBackend(_backend);
        services.AddGuardedSingleton<IExporter, Exporter>();
        _backend.RespondWith(ApprovalScript.Approve("alice"));
        return services.BuildServiceProvider().GetRequiredService<IExporter>();
    }

    private IActionGuard CreateGuard()
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o =>
        {
            o.AgentId = "dlp-agent";
            o.ArgumentSerializerOptions = new System.Text.Json.JsonSerializerOptions { Converters = { new StreamConverter() } };
        }).UseInMemoryBackend(_backend);
        _backend.RespondWith(ApprovalScript.Approve("alice"));
        return services.BuildServiceProvider().GetRequiredService<IActionGuard>();
    }

    private sealed class Exporter : IExporter
    {
        public Task<int> ExportRowsAsync(string name, IEnumerable<IReadOnlyDictionary<string, object?>> rows) => Task.FromResult(rows.Count());

        public Task<int> ExportTextAsync(string name, string body) => Task.FromResult(body.Length);

        public Task<int> ExportSecretTextAsync(string body) => Task.FromResult(body.Length);
    }

    // The action hash serializes arguments with System.Text.Json, which cannot write a Stream's properties; a test
    // converter stands in for whatever the application hashes a stream by (here: its length).
    private sealed class StreamConverter : System.Text.Json.Serialization.JsonConverter<Stream>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(Stream).IsAssignableFrom(typeToConvert);

        public override Stream Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(System.Text.Json.Utf8JsonWriter writer, Stream value, System.Text.Json.JsonSerializerOptions options) =>
            writer.WriteStringValue(value.CanSeek ? $"stream:{value.Length}" : "stream");
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
