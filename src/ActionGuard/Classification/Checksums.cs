namespace ActionGuard.Classification;

/// <summary>The check-digit algorithms that keep false positives of numeric identifiers low.</summary>
internal static class Checksums
{
    private const string DniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

    private static readonly byte[,] VerhoeffD =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly byte[,] VerhoeffP =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    /// <summary>Luhn (mod 10) over ASCII digits.</summary>
    public static bool Luhn(ReadOnlySpan<byte> digits)
    {
        int sum = 0;
        bool doubled = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i];
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>Verhoeff over digit values, the last being the check digit.</summary>
    public static bool Verhoeff(ReadOnlySpan<byte> digits)
    {
        int c = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            c = VerhoeffD[c, VerhoeffP[i % 8, digits[digits.Length - 1 - i]]];
        }

        return c == 0;
    }

    /// <summary>The Dutch 11-proof for a 9-digit BSN: 9a+8b+…+2h−i divisible by 11, and not zero.</summary>
    public static bool ElevenProof(ReadOnlySpan<byte> digits)
    {
        if (digits.Length != 9)
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < 8; i++)
        {
            sum += (9 - i) * digits[i];
        }

        sum -= digits[8];
        return sum != 0 && sum % 11 == 0;
    }

    /// <summary>The Spanish DNI/NIE letter for an 8-digit number.</summary>
    public static char DniLetter(int number) => DniLetters[number % 23];

    /// <summary>ISO 13616 mod-97 over an IBAN's characters (uppercase letters and digits), country code first.</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        int remainder = 0;
        for (int k = 0; k < iban.Length; k++)
        {
            char c = iban[(k + 4) % iban.Length];
            if (c is >= '0' and <= '9')
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
        }

        return remainder == 1;
    }

    /// <summary>The IBAN length for a country code, or 0 for a country without IBANs.</summary>
    public static int IbanLength(char a, char b) => (a, b) switch
    {
        ('A', 'D') => 24, ('A', 'E') => 23, ('A', 'L') => 28, ('A', 'T') => 20, ('A', 'Z') => 28,
        ('B', 'A') => 20, ('B', 'E') => 16, ('B', 'G') => 22, ('B', 'H') => 22, ('B', 'R') => 29,
        ('C', 'H') => 21, ('C', 'R') => 22, ('C', 'Y') => 28, ('C', 'Z') => 24,
        ('D', 'E') => 22, ('D', 'K') => 18, ('D', 'O') => 28,
        ('E', 'E') => 20, ('E', 'G') => 29, ('E', 'S') => 24,
        ('F', 'I') => 18, ('F', 'O') => 18, ('F', 'R') => 27,
        ('G', 'B') => 22, ('G', 'E') => 22, ('G', 'I') => 23, ('G', 'L') => 18, ('G', 'R') => 27, ('G', 'T') => 28,
        ('H', 'R') => 21, ('H', 'U') => 28,
        ('I', 'E') => 22, ('I', 'L') => 23, ('I', 'S') => 26, ('I', 'T') => 27,
        ('J', 'O') => 30, ('K', 'W') => 30, ('K', 'Z') => 20,
        ('L', 'B') => 28, ('L', 'I') => 21, ('L', 'T') => 20, ('L', 'U') => 20, ('L', 'V') => 21,
        ('M', 'C') => 27, ('M', 'D') => 24, ('M', 'E') => 22, ('M', 'K') => 19, ('M', 'R') => 27, ('M', 'T') => 31, ('M', 'U') => 30,
        ('N', 'L') => 18, ('N', 'O') => 15,
        ('P', 'K') => 24, ('P', 'L') => 28, ('P', 'S') => 29, ('P', 'T') => 25,
        ('Q', 'A') => 29, ('R', 'O') => 24, ('R', 'S') => 22,
        ('S', 'A') => 24, ('S', 'E') => 24, ('S', 'I') => 19, ('S', 'K') => 24, ('S', 'M') => 27,
        ('T', 'N') => 24, ('T', 'R') => 26, ('U', 'A') => 29, ('V', 'G') => 24, ('X', 'K') => 20,
        _ => 0,
    };

    /// <summary>Whether a card number of this length starts with a known issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro).</summary>
    public static bool IsKnownCardPrefix(ReadOnlySpan<byte> d)
    {
        int len = d.Length;
        int p2 = (d[0] * 10) + d[1];
        int p3 = (p2 * 10) + d[2];
        int p4 = (p3 * 10) + d[3];
        int p6 = (((p4 * 10) + d[4]) * 10) + d[5];
        if (d[0] == 4)
        {
            return len is 13 or 16 or 19; // Visa
        }

        if ((p2 is >= 51 and <= 55) || (p6 is >= 222100 and <= 272099))
        {
            return len == 16; // Mastercard
        }

        if (p2 is 34 or 37)
        {
            return len == 15; // American Express
        }

        if (p4 == 6011 || p2 == 65 || p3 is >= 644 and <= 649 || p6 is >= 622126 and <= 622925)
        {
            return len is 16 or 19; // Discover
        }

        if (p4 is >= 3528 and <= 3589)
        {
            return len is >= 16 and <= 19; // JCB
        }

        if (p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39)
        {
            return len is 14 or 16; // Diners Club
        }

        if (p2 == 62)
        {
            return len is >= 16 and <= 19; // UnionPay
        }

        if (p4 is 5018 or 5020 or 5038 or 5893 or 6304 or 6759 or 6761 or 6762 or 6763)
        {
            return len is >= 12 and <= 19; // Maestro
        }

        return false;
    }
}
