using ActionGuard.Classification;

namespace ActionGuard.Tests.Classification;

/// <summary>
/// A labelled corpus generated from a fixed seed: each line carries zero or one value of a known class, or a near
/// miss of it (one digit changed, so every checksum fails), inside realistic filler. Precision and recall per class.
/// </summary>
public sealed class LabelledCorpusTests
{
    private const int PerClass = 400;

    private static readonly string[] Filler =
    [
        "2024-03-0{0}T12:30:45Z INFO GET /api/orders/{1} 200 {2} ms",
        "order {1} shipped in {2} boxes, total {3}.50 EUR",
        "retry {2} of 5 after {3} ms; build 10.0.{2}",
        "user_id={1} session=ab{2}cd status=ok",
    ];

    public static TheoryData<string, double> Floors() => new()
    {
        { DataClassNames.PaymentCard, 0.98 },
        { DataClassNames.Iban, 0.98 },
        { DataClassNames.EsDni, 0.98 },
        { DataClassNames.NlBsn, 0.98 },
        { DataClassNames.InAadhaar, 0.98 },
        { DataClassNames.UsSsn, 0.95 },
        { DataClassNames.UkNino, 0.95 },
        { DataClassNames.Email, 0.95 },
        { DataClassNames.Phone, 0.9 },
        { DataClassNames.IpAddress, 0.95 },
        { DataClassNames.HighEntropySecret, 0.9 },
    };

    [Theory]
    [MemberData(nameof(Floors))]
    public void Precision_and_recall_meet_the_floor(string dataClass, double floor)
    {
        var random = new Random(20240501 + dataClass.Length);
        var classifier = new DataClassifier();
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < PerClass * 3; i++)
        {
            int kind = i % 3; // 0: positive, 1: near miss, 2: filler only
            string filler = string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                Filler[random.Next(Filler.Length)],
                random.Next(1, 9),
                random.Next(1000, 999999),
                random.Next(1, 999),
                random.Next(10, 9999));
            string value = kind == 2 ? string.Empty : Line(dataClass, random, positive: kind == 0);
            string line = random.Next(2) == 0 ? filler + " " + value : value + " " + filler;
            long expected = kind == 0 ? 1 : 0;
            long found = classifier.Classify(line).CountOf(dataClass);
            tp += Math.Min(expected, found);
            fp += Math.Max(0, found - expected);
            fn += Math.Max(0, expected - found);
        }

        double precision = tp / (double)Math.Max(1, tp + fp);
        double recall = tp / (double)Math.Max(1, tp + fn);
        Assert.True(precision >= floor && recall >= floor, $"{dataClass}: precision {precision:0.000}, recall {recall:0.000}");
    }

    private static string Line(string dataClass, Random random, bool positive)
    {
        string Value(string valid, int from = 0) => positive ? valid : TestIds.BreakOneDigit(random, valid, from);
        bool alt = random.Next(2) == 0;
        switch (dataClass)
        {
            case DataClassNames.PaymentCard:
                string card = Value(TestIds.Card(random));
                return "paid with card " + (alt && card.Length == 16 ? string.Join(' ', card.Chunk(4).Select(c => new string(c))) : card);
            case DataClassNames.Iban:
                string iban = Value(TestIds.Iban(random), 2);
                return "refund to " + (alt ? string.Join(' ', iban.Chunk(4).Select(c => new string(c))) : iban);
            case DataClassNames.EsDni:
                return "cliente DNI " + Value(TestIds.Dni(random));
            case DataClassNames.NlBsn:
                return "klant BSN: " + Value(TestIds.Bsn(random));
            case DataClassNames.InAadhaar:
                string aadhaar = Value(TestIds.Aadhaar(random));
                return alt ? "Aadhaar " + aadhaar : "uid " + string.Join(' ', aadhaar.Chunk(4).Select(c => new string(c)));
            case DataClassNames.UsSsn:
                return positive ? "applicant ssn " + TestIds.Ssn(random) : $"applicant ssn {random.Next(900, 1000)}-{random.Next(1, 100):00}-{random.Next(1, 10000):0000}";
            case DataClassNames.UkNino:
                return positive ? "NI number " + TestIds.Nino(random) : "NI number Q" + TestIds.Nino(random)[1..];
            case DataClassNames.Email:
                return positive ? $"contact {(alt ? "jane.doe" : "ops+alerts")}{random.Next(1000)}@example{random.Next(50)}.com" : $"contact jane.doe{random.Next(1000)}@localhost";
            case DataClassNames.Phone:
                return positive
                    ? (alt ? $"call +44 20 {random.Next(1000, 9999)} {random.Next(1000, 9999)}" : $"phone: 0{random.Next(10, 99)} {random.Next(1000, 9999)} {random.Next(1000, 9999)}")
                    : $"ticket 0{random.Next(10, 99)} {random.Next(1000, 9999)} {random.Next(1000, 9999)}";
            case DataClassNames.IpAddress:
                return positive
                    ? (alt ? $"client {random.Next(1, 255)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} connected" : $"client 2001:db8:{random.Next(0x10000):x}::{random.Next(0x10000):x} connected")
                    : $"client {random.Next(256, 999)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} connected";
            case DataClassNames.HighEntropySecret:
                const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                var token = new string(Enumerable.Range(0, 32).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
                return positive ? $"api_key = \"{token}\"" : $"api_key = \"{new string(token[0], 32)}\"";
            default:
                throw new ArgumentOutOfRangeException(nameof(dataClass));
        }
    }
}
