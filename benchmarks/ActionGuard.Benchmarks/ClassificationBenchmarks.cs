using System.Buffers;
using System.Globalization;
using System.Text;
using ActionGuard.Classification;
using BenchmarkDotNet.Attributes;

namespace ActionGuard.Benchmarks;

/// <summary>
/// Data classification throughput over a generated, seeded, mixed corpus of about 4 MiB (a third each of service logs,
/// CSV with personal data, and source code with secrets), against a plain <c>IndexOfAny</c> pass over the same bytes.
/// MB/s = <see cref="CorpusBytes"/> / mean time; every benchmark runs on one thread.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ClassificationBenchmarks
{
    /// <summary>The corpus size: 4 MiB of UTF-8.</summary>
    public const int CorpusBytes = 4 * 1024 * 1024;

    // The bytes the classifier's detectors start from: digits, '@' and ':'.
    private static readonly SearchValues<byte> Triggers = SearchValues.Create("0123456789@:"u8);

    private readonly DataClassifier _classifier = new();
    private byte[] _bytes = null!;
    private string _text = null!;
    private byte[] _csv = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = CreateCorpus(new Random(42));
        _text = Encoding.UTF8.GetString(_bytes);
        var csv = new StringBuilder("id,name,email,phone,card,iban,ip\n");
        var random = new Random(7);
        while (csv.Length < CorpusBytes)
        {
            AppendCsvRow(csv, random);
        }

        _csv = Encoding.UTF8.GetBytes(csv.ToString(0, CorpusBytes));
    }

    [Benchmark(Baseline = true, Description = "Ceiling: IndexOfAny(digits, '@', ':') over the bytes")]
    public int IndexOfAnyCeiling()
    {
        var span = _bytes.AsSpan();
        int hits = 0;
        while (true)
        {
            int i = span.IndexOfAny(Triggers);
            if (i < 0)
            {
                return hits;
            }

            hits++;
            span = span[(i + 1)..];
        }
    }

    [Benchmark(Description = "ClassifyAsync(Stream), text")]
    public async Task<long> ClassifyStream()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        var result = await _classifier.ClassifyAsync(stream);
        return result.Counts.Count;
    }

    [Benchmark(Description = "Classify(string), text")]
    public long ClassifyString() => _classifier.Classify(_text).Counts.Count;

    [Benchmark(Description = "ClassifyAsync(Stream), CSV with header")]
    public async Task<long> ClassifyCsv()
    {
        using var stream = new MemoryStream(_csv, writable: false);
        var result = await _classifier.ClassifyAsync(stream, DataFormat.Csv);
        return result.Counts.Count;
    }

    internal static byte[] CreateCorpus(Random random)
    {
        var text = new StringBuilder(CorpusBytes + 4096);
        int part = 0;
        while (text.Length < CorpusBytes)
        {
            switch (part++ % 3)
            {
                case 0:
                    for (int i = 0; i < 40; i++)
                    {
                        AppendLogLine(text, random);
                    }

                    break;
                case 1:
                    text.Append("id,name,email,phone,card,iban,ip\n");
                    for (int i = 0; i < 40; i++)
                    {
                        AppendCsvRow(text, random);
                    }

                    break;
                default:
                    AppendCode(text, random);
                    break;
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, CorpusBytes));
    }

    private static readonly string[] Names = ["Ann Smith", "Bob Jones", "Chloé Dubois", "Dmitri Ivanov", "Eva Müller", "Femi Adeyemi"];

    private static void AppendLogLine(StringBuilder text, Random random)
    {
        text.Append(CultureInfo.InvariantCulture, $"2025-03-{random.Next(1, 29):00}T{random.Next(24):00}:{random.Next(60):00}:{random.Next(60):00}.{random.Next(1000):000}Z ");
        switch (random.Next(5))
        {
            case 0:
                text.Append(CultureInfo.InvariantCulture, $"INFO  http GET /api/v2/orders/{random.Next(100000, 999999)} 200 {random.Next(1, 900)} ms client={random.Next(1, 255)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}\n");
                break;
            case 1:
                text.Append(CultureInfo.InvariantCulture, $"WARN  auth  login failed for user{random.Next(1000)}@example.com from 2001:db8::{random.Next(0x10000):x} attempt {random.Next(1, 5)}\n");
                break;
            case 2:
                text.Append(CultureInfo.InvariantCulture, $"DEBUG cache hit ratio {random.NextDouble():0.000} for key orders:{random.Next(100000)} size {random.Next(1, 4096)} KiB\n");
                break;
            case 3:
                text.Append(CultureInfo.InvariantCulture, $"INFO  jobs  export job {Guid.NewGuid():N} finished: {random.Next(100, 99999)} rows in {random.Next(1, 60)} s\n");
                break;
            default:
                text.Append("ERROR db    connection reset by peer; retrying with exponential backoff, see runbook section 4.2\n");
                break;
        }
    }

    private static void AppendCsvRow(StringBuilder text, Random random)
    {
        string name = Names[random.Next(Names.Length)];
        string card = "4" + string.Concat(Enumerable.Range(0, 14).Select(_ => (char)('0' + random.Next(10))));
        card += Luhn(card);
        text.Append(CultureInfo.InvariantCulture, $"{random.Next(1, 1_000_000)},\"{name}\",{name.Split(' ')[0].ToLowerInvariant()}.{random.Next(1000)}@example.org,+44 20 {random.Next(1000, 9999)} {random.Next(1000, 9999)},{card},DE89370400440532013000,10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}\n");
    }

    private static void AppendCode(StringBuilder text, Random random)
    {
        text.Append(
            """
            public sealed class StorageSettings
            {
                // Loaded from the environment in production; these are development placeholders.
                public string AccessKeyId { get; set; } = "AKIAIOSFODNN7EXAMPLE";
                public string Region { get; set; } = "eu-west-1";

                public static async Task<int> UploadAsync(HttpClient client, Stream body, CancellationToken cancellationToken)
                {
                    using var content = new StreamContent(body);
                    var response = await client.PutAsync(new Uri("https://storage.example.com/uploads"), content, cancellationToken);
                    for (int i = 0; i < 3; i++) { Console.WriteLine($"attempt {i}: {response.StatusCode}"); }
                    return (int)response.StatusCode;
                }
            }

            """);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        string token = new(Enumerable.Range(0, 40).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        text.Append(CultureInfo.InvariantCulture, $"const apiKey = \"{token}\";\n");
        text.Append("var jwt = \"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\";\n\n");
    }

    private static char Luhn(string body)
    {
        int sum = 0;
        for (int i = 0; i < body.Length; i++)
        {
            int d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
