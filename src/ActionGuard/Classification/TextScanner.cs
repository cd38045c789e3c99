using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActionGuard.Redaction;

namespace ActionGuard.Classification;

/// <summary>
/// The single-pass detectors behind <see cref="DataClassifier"/> and <see cref="DataMasker"/>.
/// </summary>
/// <remarks>
/// <para>
/// Linear time: each detector jumps between its trigger characters with vectorized searches (digits, <c>@</c>,
/// <c>:</c>, secret keywords) and looks only a bounded distance around each trigger, and every detector resumes after
/// the run it examined, so no character is examined more than a constant number of times. Secrets reuse the
/// argument redactor's <see cref="SecretPatterns"/>, which are linear by construction.
/// </para>
/// <para>
/// False positives stay low through checksums (Luhn with issuer prefixes and lengths, IBAN mod 97 with the country's
/// length, Verhoeff, the 11-proof, the DNI letter), word boundaries, and context: a nearby word (in the 48 characters
/// before the value on the same line) or the column name. Numbers without a checksum or a self-describing format
/// (national phone numbers, bare 9-digit SSNs, BSNs, bare 12-digit Aadhaar numbers) need context.
/// </para>
/// <para>Not thread-safe: one instance per scan.</para>
/// </remarks>
internal sealed class TextScanner
{
    private const int ContextWindow = 48;
    private const int MaxTokenLength = 512;

    private static readonly SearchValues<char> WordChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    private static readonly SearchValues<char> Letters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-");
    private static readonly SearchValues<string> PhoneContext = Words("phone", "tel", "mobile", "cell", "fax", "call", "whatsapp", "sms", "contact");
    private static readonly SearchValues<string> SsnContext = Words("ssn", "social security", "social_security", "socialsecurity");
    private static readonly SearchValues<string> BsnContext = Words("bsn", "burgerservice", "sofi");
    private static readonly SearchValues<string> AadhaarContext = Words("aadhaar", "aadhar", "uidai");
    private static readonly SearchValues<string> NinoContext = Words("nino", "national insurance", "national_insurance", "ni number");
    private static readonly SearchValues<string> SecretContext = Words("key", "secret", "token", "passw", "pwd", "auth", "credential", "signature", "salt");

    private static readonly bool[] HasSecretGroup = InitSecretGroups();

    private readonly IFindingSink _sink;
    private readonly ScanState _state;
    private readonly List<(int Start, int End)> _covered = [];
    private string? _context;

    public TextScanner(IFindingSink sink, ScanState? state = null)
    {
        _sink = sink;
        _state = state ?? new ScanState();
    }

    /// <summary>Scans <paramref name="text"/>.</summary>
    /// <param name="text">A whole text, or a segment of a stream that ends at a line break.</param>
    /// <param name="context">A column or property name that describes every value in <paramref name="text"/>.</param>
    public void Scan(ReadOnlySpan<char> text, string? context = null)
    {
        if (text.IsEmpty)
        {
            return;
        }

        _context = context;
        _covered.Clear();
        if (_state.InPrivateKey)
        {
            int end = text.IndexOf("-----END", StringComparison.Ordinal);
            _covered.Add((0, end < 0 ? text.Length : end));
            _state.InPrivateKey = end < 0;
        }

        ScanSecrets(text);
        ScanEmails(text);
        if (_covered.Count > 1)
        {
            _covered.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        }

        ScanDigits(text);
        ScanIpv6(text);
        ScanHighEntropy(text);
    }

    private static SearchValues<string> Words(params string[] words) => SearchValues.Create(words, StringComparison.OrdinalIgnoreCase);

    private static bool[] InitSecretGroups()
    {
        var patterns = SecretPatterns.All;
        var result = new bool[patterns.Length];
        for (int i = 0; i < patterns.Length; i++)
        {
            result[i] = patterns[i].Regex.GroupNumberFromName("secret") >= 0;
        }

        return result;
    }

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsDigit(char c) => char.IsAsciiDigit(c);

    private static bool IsUpperOrDigit(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);

    private void Report(string dataClass, double confidence, ReadOnlySpan<char> text, int start, int end) =>
        _sink.Found(dataClass, confidence, text, start, end - start);

    private bool HasContext(ReadOnlySpan<char> text, int start, SearchValues<string> words)
    {
        if (_context is not null && _context.AsSpan().ContainsAny(words))
        {
            return true;
        }

        int from = Math.Max(0, start - ContextWindow);
        var window = text[from..start];
        int newline = window.LastIndexOf('\n');
        return window[(newline + 1)..].ContainsAny(words);
    }

    // Covered spans are sorted by start once secrets and emails are in; later detectors only ask, they do not add.
    private int CoveredEnd(int position)
    {
        int lo = 0, hi = _covered.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_covered[mid].Start <= position)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        // Spans may nest or overlap: look back over the few that start before position.
        for (int k = found; k >= 0 && k > found - 4; k--)
        {
            if (_covered[k].End > position)
            {
                return _covered[k].End;
            }
        }

        return -1;
    }

    // Covered spans are disjoint (secrets are swept, emails skip what secrets cover), so once sorted, only the last
    // span that starts before end can reach past start.
    private bool Overlaps(int start, int end) => Overlaps(_covered.Count, start, end);

    private bool Overlaps(int count, int start, int end)
    {
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_covered[mid].Start < end)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && _covered[found].End > start;
    }

    private void ScanSecrets(ReadOnlySpan<char> text)
    {
        if (!text.ContainsAny(SecretPatterns.TriggerValues))
        {
            return;
        }

        var patterns = SecretPatterns.All;
        var found = new List<(int Start, int End, int Priority)>();
        try
        {
            for (int p = 0; p < patterns.Length; p++)
            {
                var regex = patterns[p].Regex;
                foreach (ValueMatch match in regex.EnumerateMatches(text))
                {
                    int start = match.Index, end = match.Index + match.Length;
                    if (HasSecretGroup[p])
                    {
                        // Only the rare match pays for a string: the group is read from the matched text alone.
                        Group group = regex.Match(text.Slice(match.Index, match.Length).ToString()).Groups["secret"];
                        if (group.Success)
                        {
                            start = match.Index + group.Index;
                            end = start + group.Length;
                        }
                    }

                    if (end > start)
                    {
                        found.Add((start, end, p));
                    }
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            _covered.Add((0, text.Length));
            _sink.Found("secret.unscannable", 0.5, text, 0, 0);
            return;
        }

        // As the redactor does: when matches overlap, the earliest (then the highest-priority) names the value, once.
        found.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Priority.CompareTo(b.Priority));
        int coveredUntil = _covered.Count > 0 ? _covered[^1].End : 0;
        foreach (var (start, end, priority) in found)
        {
            if (start < coveredUntil)
            {
                continue;
            }

            coveredUntil = end;
            _covered.Add((start, end));
            string dataClass = patterns[priority].DataClass;
            Report(dataClass, Confidence(dataClass), text, start, end);
            if (priority == 0 && !text[start..end].Contains("-----END", StringComparison.Ordinal))
            {
                _state.InPrivateKey = true;
            }
        }
    }

    private static double Confidence(string secretClass) => secretClass switch
    {
        "secret.private_key" => 0.99,
        "secret.password" => 0.8,
        "secret.bearer_token" => 0.85,
        _ => 0.95,
    };

    private void ScanEmails(ReadOnlySpan<char> text)
    {
        int secrets = _covered.Count;
        int i = 0;
        while (i < text.Length)
        {
            int rel = text[i..].IndexOf('@');
            if (rel < 0)
            {
                return;
            }

            int at = i + rel;
            i = at + 1;
            int s = at;
            while (s > 0 && at - s < 64 && IsLocalChar(text[s - 1]))
            {
                s--;
            }

            while (s < at && text[s] == '.')
            {
                s++;
            }

            if (s == at || (s > 0 && text[s - 1] == '/'))
            {
                continue;
            }

            int e = at + 1;
            while (e < text.Length && e - at <= 253 && (char.IsAsciiLetterOrDigit(text[e]) || text[e] == '.' || text[e] == '-'))
            {
                e++;
            }

            while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-'))
            {
                e--;
            }

            int dot = text[(at + 1)..e].LastIndexOf('.');
            if (dot <= 0 || !char.IsAsciiLetterOrDigit(text[at + 1]))
            {
                i = Math.Max(i, e);
                continue;
            }

            var tld = text[(at + 2 + dot)..e];
            if (tld.Length < 2 || tld.ContainsAnyExcept(Letters))
            {
                i = Math.Max(i, e);
                continue;
            }

            if (Overlaps(secrets, s, e))
            {
                i = e;
                continue;
            }

            _covered.Add((s, e));
            Report(DataClassNames.Email, 0.95, text, s, e);
            i = e;
        }
    }

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private void ScanDigits(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            int rel = text[i..].IndexOfAnyInRange('0', '9');
            if (rel < 0)
            {
                return;
            }

            i += rel;
            int coveredEnd = CoveredEnd(i);
            if (coveredEnd > i)
            {
                i = coveredEnd;
                continue;
            }

            char prev = i > 0 ? text[i - 1] : ' ';
            int next;
            if (char.IsAsciiLetter(prev))
            {
                next = ScanLetterPrefixed(text, i);
            }
            else if (prev == '_' || IsDigit(prev))
            {
                next = SkipWord(text, i);
            }
            else
            {
                next = ScanNumber(text, i, prev);
            }

            i = Math.Max(next, i + 1);
        }
    }

    private static int SkipWord(ReadOnlySpan<char> text, int i)
    {
        int rel = text[i..].IndexOfAnyExcept(WordChars);
        return rel < 0 ? text.Length : i + rel;
    }

    private int ScanLetterPrefixed(ReadOnlySpan<char> text, int i)
    {
        if (i >= 2 && char.IsAsciiLetterUpper(text[i - 1]) && char.IsAsciiLetterUpper(text[i - 2]) && (i < 3 || !IsWord(text[i - 3])))
        {
            int end = TryIban(text, i - 2);
            if (end < 0)
            {
                end = TryNino(text, i - 2);
            }

            if (end > 0)
            {
                return end;
            }
        }
        else if (text[i - 1] is 'X' or 'Y' or 'Z' && (i < 2 || !IsWord(text[i - 2])))
        {
            int end = TryNie(text, i - 1);
            if (end > 0)
            {
                return end;
            }
        }

        return SkipWord(text, i);
    }

    private int TryIban(ReadOnlySpan<char> text, int s)
    {
        int expected = Checksums.IbanLength(text[s], text[s + 1]);
        if (expected == 0 || s + 3 >= text.Length || !IsDigit(text[s + 3]))
        {
            return -1;
        }

        Span<char> iban = stackalloc char[34];
        int n = 0, p = s;
        while (n < expected && p < text.Length)
        {
            char c = text[p];
            if (IsUpperOrDigit(c))
            {
                iban[n++] = c;
                p++;
            }
            else if (c == ' ' && n % 4 == 0 && p + 1 < text.Length && IsUpperOrDigit(text[p + 1]))
            {
                p++;
            }
            else
            {
                break;
            }
        }

        if (n != expected || (p < text.Length && IsWord(text[p])) || !Checksums.IbanMod97(iban[..n]))
        {
            return -1;
        }

        Report(DataClassNames.Iban, 0.99, text, s, p);
        return p;
    }

    private int TryNino(ReadOnlySpan<char> text, int s)
    {
        char a = text[s], b = text[s + 1];
        if (a is 'D' or 'F' or 'I' or 'Q' or 'U' or 'V' || b is 'D' or 'F' or 'I' or 'O' or 'Q' or 'U' or 'V')
        {
            return -1;
        }

        if ((a, b) is ('B', 'G') or ('G', 'B') or ('K', 'N') or ('N', 'K') or ('N', 'T') or ('T', 'N') or ('Z', 'Z'))
        {
            return -1;
        }

        int p = s + 2, digits = 0;
        bool spaced = p < text.Length && text[p] == ' ';
        while (digits < 6)
        {
            if (spaced && digits % 2 == 0)
            {
                if (p >= text.Length || text[p] != ' ')
                {
                    return -1;
                }

                p++;
            }

            if (p >= text.Length || !IsDigit(text[p]))
            {
                return -1;
            }

            p++;
            digits++;
        }

        if (spaced && p < text.Length && text[p] == ' ')
        {
            p++;
        }

        if (p >= text.Length || text[p] is < 'A' or > 'D' || (p + 1 < text.Length && IsWord(text[p + 1])))
        {
            return -1;
        }

        Report(DataClassNames.UkNino, HasContext(text, s, NinoContext) ? 0.95 : 0.8, text, s, p + 1);
        return p + 1;
    }

    private int TryNie(ReadOnlySpan<char> text, int s)
    {
        int p = s + 1, number = text[s] - 'X';
        for (int k = 0; k < 7; k++, p++)
        {
            if (p >= text.Length || !IsDigit(text[p]))
            {
                return -1;
            }

            number = (number * 10) + (text[p] - '0');
        }

        if (p >= text.Length || text[p] != Checksums.DniLetter(number) || (p + 1 < text.Length && IsWord(text[p + 1])))
        {
            return -1;
        }

        Report(DataClassNames.EsDni, 0.97, text, s, p + 1);
        return p + 1;
    }

    private int ScanNumber(ReadOnlySpan<char> text, int i, char prev)
    {
        if (prev == '+' && (i < 2 || !IsWord(text[i - 2])))
        {
            int end = TryE164(text, i - 1);
            if (end > 0)
            {
                return end;
            }
        }
        else if (prev == '(' && (i < 2 || !IsWord(text[i - 2])))
        {
            int end = TryUsParenthesized(text, i - 1);
            if (end > 0)
            {
                return end;
            }
        }

        // Digit groups joined by one separator, the same throughout: "4111 1111 1111 1111", "123-45-6789", "10.0.0.1".
        Span<byte> digits = stackalloc byte[32];
        Span<int> groupEnds = stackalloc int[8];
        Span<int> groupDigits = stackalloc int[8];
        int nd = 0, ng = 0, p = i;
        char separator = '\0';
        while (true)
        {
            while (p < text.Length && IsDigit(text[p]))
            {
                if (nd < digits.Length)
                {
                    digits[nd] = (byte)(text[p] - '0');
                }

                nd++;
                p++;
            }

            groupEnds[ng] = p;
            groupDigits[ng] = nd;
            ng++;
            if (ng < groupEnds.Length && nd <= digits.Length && p + 1 < text.Length && text[p] is ' ' or '-' or '.'
                && (separator == '\0' || text[p] == separator) && IsDigit(text[p + 1]))
            {
                separator = text[p];
                p++;
                continue;
            }

            break;
        }

        if (nd > digits.Length || (p < text.Length && text[p] == '_'))
        {
            return p;
        }

        // A trailing value ("4111 1111 1111 1111 2030") may ride along: try the longest prefix of groups first.
        for (int k = ng; k >= 1; k--)
        {
            int end = groupEnds[k - 1];
            if (k == ng && end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
            {
                if (k == 1 && groupDigits[0] == 8 && TryDni(text, i, end, digits[..8]))
                {
                    return end + 1;
                }

                continue;
            }

            if (Classify(text, i, end, digits[..groupDigits[k - 1]], groupEnds[..k], groupDigits[..k], separator, k == ng))
            {
                return end;
            }
        }

        return p;
    }

    private bool TryDni(ReadOnlySpan<char> text, int start, int end, ReadOnlySpan<byte> digits)
    {
        if (end + 1 < text.Length && IsWord(text[end + 1]))
        {
            return false;
        }

        int number = 0;
        foreach (byte d in digits)
        {
            number = (number * 10) + d;
        }

        if (text[end] != Checksums.DniLetter(number))
        {
            return false;
        }

        Report(DataClassNames.EsDni, 0.97, text, start, end + 1);
        return true;
    }

    private bool Classify(
        ReadOnlySpan<char> text,
        int start,
        int end,
        ReadOnlySpan<byte> digits,
        ReadOnlySpan<int> groupEnds,
        ReadOnlySpan<int> groupDigits,
        char separator,
        bool whole)
    {
        int k = groupEnds.Length;
        int total = digits.Length;
        Span<int> lengths = stackalloc int[k];
        for (int g = 0; g < k; g++)
        {
            lengths[g] = groupDigits[g] - (g == 0 ? 0 : groupDigits[g - 1]);
        }

        if (separator == '.')
        {
            // A dotted quad is an address only when nothing else is dotted on ("1.2.3.4.5" is a version or an OID).
            if (whole && k == 4 && IsIpv4(digits, lengths))
            {
                Report(DataClassNames.IpAddress, 0.9, text, start, end);
                return true;
            }

            if (k == 3 && lengths is [3, 3, 4] && HasContext(text, start, PhoneContext))
            {
                Report(DataClassNames.Phone, 0.8, text, start, end);
                return true;
            }

            return false;
        }

        if (total is >= 13 and <= 19 && IsCardGrouping(lengths, separator) && Checksums.IsKnownCardPrefix(digits) && Checksums.Luhn(digits))
        {
            Report(DataClassNames.PaymentCard, 0.99, text, start, end);
            return true;
        }

        if (total == 9 && ((k == 3 && lengths is [3, 2, 4]) || k == 1))
        {
            bool dashed = k == 3 && separator == '-';
            bool ssnContext = HasContext(text, start, SsnContext);
            if ((dashed || ssnContext) && IsSsn(digits))
            {
                Report(DataClassNames.UsSsn, ssnContext ? 0.97 : 0.9, text, start, end);
                return true;
            }

            if (k == 1 && HasContext(text, start, BsnContext) && Checksums.ElevenProof(digits))
            {
                Report(DataClassNames.NlBsn, 0.95, text, start, end);
                return true;
            }
        }

        if (total == 12 && digits[0] >= 2 && ((k == 3 && lengths is [4, 4, 4]) || (k == 1 && HasContext(text, start, AadhaarContext))) && Checksums.Verhoeff(digits))
        {
            Report(DataClassNames.InAadhaar, k == 3 && !HasContext(text, start, AadhaarContext) ? 0.9 : 0.97, text, start, end);
            return true;
        }

        if (total is >= 9 and <= 12)
        {
            bool usShape = k == 3 && lengths is [3, 3, 4] && separator == '-';
            bool phoneContext = HasContext(text, start, PhoneContext);
            if (usShape || (phoneContext && (k >= 2 || total is 10 or 11)))
            {
                Report(DataClassNames.Phone, phoneContext ? 0.8 : 0.6, text, start, end);
                return true;
            }
        }

        return false;
    }

    private static bool IsIpv4(ReadOnlySpan<byte> digits, ReadOnlySpan<int> lengths)
    {
        int d = 0;
        foreach (int length in lengths)
        {
            if (length is < 1 or > 3 || (length > 1 && digits[d] == 0))
            {
                return false;
            }

            int value = 0;
            for (int j = 0; j < length; j++)
            {
                value = (value * 10) + digits[d++];
            }

            if (value > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCardGrouping(ReadOnlySpan<int> lengths, char separator)
    {
        if (lengths.Length == 1)
        {
            return true;
        }

        if (separator is not (' ' or '-'))
        {
            return false;
        }

        if (lengths is [4, 6, 5] or [4, 6, 4])
        {
            return true;
        }

        for (int g = 0; g < lengths.Length - 1; g++)
        {
            if (lengths[g] != 4)
            {
                return false;
            }
        }

        return lengths[^1] is >= 1 and <= 4;
    }

    private static bool IsSsn(ReadOnlySpan<byte> d)
    {
        int area = (d[0] * 100) + (d[1] * 10) + d[2];
        int group = (d[3] * 10) + d[4];
        int serial = (d[5] * 1000) + (d[6] * 100) + (d[7] * 10) + d[8];
        return area is not (0 or 666) && area < 900 && group != 0 && serial != 0;
    }

    private int TryE164(ReadOnlySpan<char> text, int plus)
    {
        int p = plus + 1, digits = 0, lastDigitEnd = -1;
        if (text[p] == '0')
        {
            return -1;
        }

        while (p < text.Length)
        {
            char c = text[p];
            if (IsDigit(c))
            {
                if (++digits > 15)
                {
                    return -1;
                }

                p++;
                lastDigitEnd = p;
                continue;
            }

            int q = p, run = 0;
            while (q < text.Length && run < 3 && text[q] is ' ' or '-' or '.' or '(' or ')')
            {
                q++;
                run++;
            }

            if (run is 0 or > 2 || q >= text.Length || !IsDigit(text[q]))
            {
                break;
            }

            p = q;
        }

        if (digits < 8 || (lastDigitEnd < text.Length && IsWord(text[lastDigitEnd])))
        {
            return -1;
        }

        Report(DataClassNames.Phone, 0.9, text, plus, lastDigitEnd);
        return lastDigitEnd;
    }

    private int TryUsParenthesized(ReadOnlySpan<char> text, int paren)
    {
        // (415) 555-2671, (415)555-2671, (415) 555 2671
        int p = paren + 1;
        if (!Digits(text, ref p, 3) || p >= text.Length || text[p] != ')')
        {
            return -1;
        }

        p++;
        if (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        if (!Digits(text, ref p, 3) || p >= text.Length || text[p] is not ('-' or ' ' or '.'))
        {
            return -1;
        }

        p++;
        if (!Digits(text, ref p, 4) || (p < text.Length && IsWord(text[p])))
        {
            return -1;
        }

        Report(DataClassNames.Phone, 0.85, text, paren, p);
        return p;
    }

    private static bool Digits(ReadOnlySpan<char> text, ref int p, int count)
    {
        for (int k = 0; k < count; k++, p++)
        {
            if (p >= text.Length || !IsDigit(text[p]))
            {
                return false;
            }
        }

        return true;
    }

    private void ScanIpv6(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            int rel = text[i..].IndexOf(':');
            if (rel < 0)
            {
                return;
            }

            int c = i + rel;
            i = c + 1;
            if (c + 1 >= text.Length || !(char.IsAsciiHexDigit(text[c + 1]) || text[c + 1] == ':'))
            {
                continue;
            }

            int s = c;
            while (s > 0 && c - s < 40 && (char.IsAsciiHexDigit(text[s - 1]) || text[s - 1] == ':'))
            {
                s--;
            }

            int e = c + 1;
            while (e < text.Length && e - s < 45 && (char.IsAsciiHexDigit(text[e]) || text[e] == ':'))
            {
                e++;
            }

            i = e;
            if ((s > 0 && (IsWord(text[s - 1]) || text[s - 1] == '.')) || (e < text.Length && (IsWord(text[e]) || text[e] == '.')))
            {
                continue;
            }

            var candidate = text[s..e];
            int colons = candidate.Count(':');
            if (colons < 2 || candidate.Length - colons < 3 || CoveredEnd(s) > s)
            {
                continue;
            }

            if (IPAddress.TryParse(candidate, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 && GroupCount(candidate) >= 3)
            {
                Report(DataClassNames.IpAddress, 0.85, text, s, e);
            }
        }
    }

    private static int GroupCount(ReadOnlySpan<char> candidate)
    {
        int groups = 0;
        foreach (var range in candidate.Split(':'))
        {
            if (range.End.Value > range.Start.Value)
            {
                groups++;
            }
        }

        return groups;
    }

    private void ScanHighEntropy(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            int rel = text[i..].IndexOfAny(SecretContext);
            if (rel < 0)
            {
                return;
            }

            int p = i + rel;
            while (p < text.Length && (IsWord(text[p]) || text[p] == '-'))
            {
                p++;
            }

            int q = p, run = 0;
            while (q < text.Length && run < 8 && text[q] is ' ' or '\t' or '"' or '\'' or ':' or '=' or '>')
            {
                q++;
                run++;
            }

            if (run == 0 && _context is null)
            {
                i = Math.Max(p, i + rel + 1);
                continue;
            }

            int t = q;
            while (t < text.Length && t - q < MaxTokenLength && IsTokenChar(text[t]))
            {
                t++;
            }

            if (t - q >= 20 && !Overlaps(q, t) && IsHighEntropy(text[q..t]))
            {
                Report(DataClassNames.HighEntropySecret, 0.75, text, q, t);
            }

            i = Math.Max(t, i + rel + 1);
        }

        // A column named like a secret makes its whole value the candidate.
        if (_context is not null && _context.AsSpan().ContainsAny(SecretContext) && text.Length is >= 20 and <= MaxTokenLength
            && !text.ContainsAnyExcept(TokenChars) && !Overlaps(0, text.Length) && IsHighEntropy(text))
        {
            Report(DataClassNames.HighEntropySecret, 0.75, text, 0, text.Length);
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-';

    /// <summary>Shannon entropy gates: hex needs 32+ characters, anything else 20+, both need letters and digits.</summary>
    internal static bool IsHighEntropy(ReadOnlySpan<char> token)
    {
        Span<int> counts = stackalloc int[128];
        bool hex = true, letter = false, digit = false;
        foreach (char c in token)
        {
            counts[c & 127]++;
            hex &= char.IsAsciiHexDigit(c);
            letter |= char.IsAsciiLetter(c);
            digit |= char.IsAsciiDigit(c);
        }

        if (!letter || !digit)
        {
            return false;
        }

        double entropy = 0;
        double n = token.Length;
        foreach (int count in counts)
        {
            if (count > 0)
            {
                double f = count / n;
                entropy -= f * Math.Log2(f);
            }
        }

        return hex
            ? token.Length >= 32 && entropy >= 3.0
            : entropy >= Math.Min(4.0, Math.Log2(n) - 0.7);
    }
}
