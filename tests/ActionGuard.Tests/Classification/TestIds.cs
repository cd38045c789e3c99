using System.Globalization;
using System.Numerics;
using System.Text;

namespace ActionGuard.Tests.Classification;

/// <summary>Independent generators of valid identifiers (not the classifier's own checksum code), seeded for determinism.</summary>
internal static class TestIds
{
    private static readonly int[,] D =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly int[,] P =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    private static readonly int[] Inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

    public static string Digits(Random random, int count)
    {
        var sb = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            sb.Append((char)('0' + random.Next(10)));
        }

        return sb.ToString();
    }

    public static string Card(Random random)
    {
        string[] prefixes = ["4", "51", "55", "2221", "34", "37", "6011"];
        string prefix = prefixes[random.Next(prefixes.Length)];
        int length = prefix is "34" or "37" ? 15 : 16;
        string body = prefix + Digits(random, length - 1 - prefix.Length);
        return body + LuhnDigit(body);
    }

    public static char LuhnDigit(string body)
    {
        int sum = 0;
        for (int i = 0; i < body.Length; i++)
        {
            int d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    public static string Iban(Random random)
    {
        (string Country, int Length)[] countries = [("DE", 22), ("NL", 18), ("FR", 27), ("ES", 24), ("IT", 27), ("GB", 22)];
        var (country, length) = countries[random.Next(countries.Length)];
        string bban = Digits(random, length - 4);
        return country + IbanCheck(country, bban) + bban;
    }

    public static string IbanCheck(string country, string bban)
    {
        var numeric = new StringBuilder();
        foreach (char c in bban + country + "00")
        {
            numeric.Append(char.IsAsciiLetter(c) ? (c - 'A' + 10).ToString(CultureInfo.InvariantCulture) : c.ToString());
        }

        var remainder = BigInteger.Parse(numeric.ToString(), CultureInfo.InvariantCulture) % 97;
        return (98 - (int)remainder).ToString("00", CultureInfo.InvariantCulture);
    }

    public static string Aadhaar(Random random)
    {
        string body = (char)('2' + random.Next(8)) + Digits(random, 10);
        int c = 0;
        for (int i = 0; i < body.Length; i++)
        {
            c = D[c, P[(i + 1) % 8, body[body.Length - 1 - i] - '0']];
        }

        return body + (char)('0' + Inv[c]);
    }

    public static string Bsn(Random random)
    {
        while (true)
        {
            string body = (char)('1' + random.Next(9)) + Digits(random, 7);
            int sum = 0;
            for (int i = 0; i < 8; i++)
            {
                sum += (9 - i) * (body[i] - '0');
            }

            int last = sum % 11;
            if (last <= 9)
            {
                return body + (char)('0' + last);
            }
        }
    }

    public static string Dni(Random random)
    {
        int number = random.Next(10_000_000, 99_999_999);
        return number.ToString(CultureInfo.InvariantCulture) + "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23];
    }

    public static string Ssn(Random random) =>
        $"{random.Next(1, 666):000}-{random.Next(1, 100):00}-{random.Next(1, 10000):0000}";

    public static string Nino(Random random)
    {
        const string First = "ABCEGHJKLMNOPRSTWXYZ";
        const string Second = "ABCEGHJKLMNPRSTWXYZ";
        while (true)
        {
            string prefix = $"{First[random.Next(First.Length)]}{Second[random.Next(Second.Length)]}";
            if (prefix is not ("BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ"))
            {
                return prefix + Digits(random, 6) + "ABCD"[random.Next(4)];
            }
        }
    }

    /// <summary>Changes one digit, so every checksum above fails (Luhn, mod 97, Verhoeff, 11-proof and the DNI letter all catch single-digit errors).</summary>
    public static string BreakOneDigit(Random random, string value, int from = 0)
    {
        var chars = value.ToCharArray();
        while (true)
        {
            int i = random.Next(from, chars.Length);
            if (char.IsAsciiDigit(chars[i]))
            {
                chars[i] = (char)('0' + ((chars[i] - '0' + 1 + random.Next(9)) % 10));
                return new string(chars);
            }
        }
    }
}
