using System.Globalization;

namespace ActionGuard.Classification;

/// <summary>Masks a found value so that a reviewer can recognise its kind, never the value itself.</summary>
internal static class SampleMasker
{
    public static string Mask(string dataClass, ReadOnlySpan<char> value)
    {
        switch (dataClass)
        {
            case DataClassNames.Email:
                int at = value.LastIndexOf('@');
                return at <= 0 ? "***" : string.Concat(value[..1], "***", value[at..]);
            case DataClassNames.PaymentCard:
            case DataClassNames.UsSsn:
                return MaskAlphanumerics(value, keepFirst: 0, keepLast: 4);
            case DataClassNames.Iban:
                return MaskAlphanumerics(value, keepFirst: 2, keepLast: 4);
            case DataClassNames.Phone:
            case DataClassNames.UkNino:
            case DataClassNames.EsDni:
            case DataClassNames.NlBsn:
            case DataClassNames.InAadhaar:
                return MaskAlphanumerics(value, keepFirst: 0, keepLast: 2);
            case DataClassNames.IpAddress:
                int v4 = value.IndexOf('.');
                if (v4 > 0 && !value.Contains(':'))
                {
                    return string.Concat(value[..v4], ".*.*.*");
                }

                int v6 = value.IndexOf(':');
                return v6 > 0 ? string.Concat(value[..v6], ":****") : "****";
            case "secret.private_key":
                int end = value.IndexOf("KEY-----", StringComparison.Ordinal);
                return end > 0 && !value[..end].Contains('\n') ? string.Concat(value[..(end + 8)], "…") : "-----BEGIN PRIVATE KEY-----…";
            default:
                // Secrets: known prefixes (AKIA, ghp_, eyJ, xoxb) say what kind of token it is; 4 characters of a
                // 20+ character secret do not make it guessable.
                string length = value.Length.ToString(CultureInfo.InvariantCulture);
                return value.Length >= 20
                    ? string.Concat(value[..4], "…[", length, " chars]")
                    : string.Concat("[", length, " chars]");
        }
    }

    private static string MaskAlphanumerics(ReadOnlySpan<char> value, int keepFirst, int keepLast)
    {
        int total = 0;
        foreach (char c in value)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                total++;
            }
        }


        Span<char> buffer = value.Length <= 256 ? stackalloc char[value.Length] : new char[value.Length];
        int seen = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                buffer[i] = seen < keepFirst || seen >= total - keepLast ? c : '*';
                seen++;
            }
            else
            {
                buffer[i] = c;
            }
        }

        return new string(buffer);
    }
}
