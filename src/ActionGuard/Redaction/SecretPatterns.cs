using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace ActionGuard.Redaction;

/// <summary>
/// Finds secrets in free text and masks each as <c>[redacted:&lt;class&gt;]</c>, counting them as
/// <c>secret.&lt;class&gt;</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every pattern stays linear on adversarial input (a megabyte of <c>eyJeyJ…</c> or <c>-----BEGIN…</c>): each either
/// has bounded repetitions after a literal anchor, or starts only where a run of its own alphabet starts (a negative
/// lookbehind on that alphabet), so no two attempts rescan the same run. The PEM body is an atomic loop that stops at
/// the next <c>-----</c>. A match timeout backs this up: text that cannot be scanned in time is masked whole.
/// </para>
/// <para>
/// Patterns with context (<c>AccountKey=</c>, <c>Password=</c>, <c>Bearer</c>, <c>://user:</c>) mask only the named
/// group <c>secret</c>, so the reviewer still sees what kind of value was there.
/// </para>
/// </remarks>
internal static partial class SecretPatterns
{
    /// <summary>The mask written in place of text that could not be scanned within the timeout.</summary>
    internal const string UnscannableMarker = "[redacted:unscannable]";

    private const int TimeoutMilliseconds = 5_000;
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // Cheap vectorized pre-check: text without any of these cannot match a pattern below, so it is returned as is.
    private static readonly SearchValues<string> Triggers = SearchValues.Create(
        [
            "eyJ", "AKIA", "ASIA", "secret", "AccountKey", "sig=", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
            "github_pat_", "xox", "PRIVATE KEY", "password", "passwd", "pwd", "://", "bearer",
        ],
        StringComparison.OrdinalIgnoreCase);

    // In priority order: when two matches start at the same place, the earlier class names the mask.
    private static readonly (string Class, string DataClass, Regex Regex)[] Patterns =
    [
        Pattern("private_key", PrivateKey()),
        Pattern("jwt", Jwt()),
        Pattern("aws_access_key", AwsAccessKey()),
        Pattern("aws_secret_key", AwsSecretKey()),
        Pattern("azure_storage_key", AzureStorageKey()),
        Pattern("azure_sas", AzureSas()),
        Pattern("gcp_api_key", GcpApiKey()),
        Pattern("github_token", GitHubToken()),
        Pattern("slack_token", SlackToken()),
        Pattern("password", ConnectionStringPassword()),
        Pattern("password", UrlPassword()),
        Pattern("bearer_token", BearerToken()),
    ];

    /// <summary>Gets the pre-check: text without any of these cannot match a pattern. Shared with the data classifier.</summary>
    internal static SearchValues<string> TriggerValues => Triggers;

    /// <summary>Gets the patterns in priority order, each with its <c>secret.&lt;class&gt;</c> name. Shared with the data classifier.</summary>
    internal static ReadOnlySpan<(string Class, string DataClass, Regex Regex)> All => Patterns;

    /// <summary>Returns <paramref name="text"/> with every secret masked, or the same instance when there is none.</summary>
    /// <param name="text">The text to scan.</param>
    /// <param name="counts">Receives one count per masked secret under <c>secret.&lt;class&gt;</c>; created on first use.</param>
    public static string Mask(string text, ref Dictionary<string, long>? counts)
    {
        if (!text.AsSpan().ContainsAny(Triggers))
        {
            return text;
        }

        try
        {
            return MaskMatches(text, ref counts);
        }
        catch (RegexMatchTimeoutException)
        {
            // Fail safe: what could not be scanned does not leave the process.
            Count(ref counts, "secret.unscannable");
            return UnscannableMarker;
        }
    }

    private static string MaskMatches(string text, ref Dictionary<string, long>? counts)
    {
        List<(int Start, int End, int Priority)>? found = null;
        for (int p = 0; p < Patterns.Length; p++)
        {
            Regex regex = Patterns[p].Regex;
            if (!regex.IsMatch(text))
            {
                continue;
            }

            for (Match match = regex.Match(text); match.Success; match = match.NextMatch())
            {
                Group secret = match.Groups["secret"];
                (int start, int length) = secret.Success ? (secret.Index, secret.Length) : (match.Index, match.Length);
                if (length > 0)
                {
                    (found ??= []).Add((start, start + length, p));
                }
            }
        }

        if (found is null)
        {
            return text;
        }

        found.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Priority.CompareTo(b.Priority));
        var builder = new StringBuilder(text.Length);
        int position = 0;
        for (int i = 0; i < found.Count;)
        {
            // Overlapping matches merge into one mask covering all of them, so no part of a longer secret survives.
            (int start, int end, int priority) = found[i];
            Count(ref counts, Patterns[priority].DataClass);
            for (i++; i < found.Count && found[i].Start < end; i++)
            {
                end = Math.Max(end, found[i].End);
                Count(ref counts, Patterns[found[i].Priority].DataClass);
            }

            builder.Append(text, position, start - position).Append("[redacted:").Append(Patterns[priority].Class).Append(']');
            position = end;
        }

        builder.Append(text, position, text.Length - position);
        return builder.ToString();
    }

    private static void Count(ref Dictionary<string, long>? counts, string dataClass)
    {
        counts ??= new Dictionary<string, long>(StringComparer.Ordinal);
        counts[dataClass] = counts.GetValueOrDefault(dataClass) + 1;
    }

    private static (string, string, Regex) Pattern(string name, Regex regex) => (name, "secret." + name, regex);

    // -----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY----- … up to the matching END line, or, when the END is
    // missing (truncated input), up to the next "-----" or the end of the text.
    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?>(?:[^-]+|-(?!----))*)(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----)?", Options, TimeoutMilliseconds)]
    private static partial Regex PrivateKey();

    // header.payload.signature, base64url; the header of a JWS/JWT always starts with eyJ ('{"').
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*", Options, TimeoutMilliseconds)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", Options, TimeoutMilliseconds)]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?i:aws[_-]?secret[_-]?(?:access[_-]?)?key)[""']?\s{0,4}[:=]\s{0,4}[""']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", Options, TimeoutMilliseconds)]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"(?i:AccountKey)\s{0,4}=\s{0,4}(?<secret>[A-Za-z0-9+/]{20,}={0,2})", Options, TimeoutMilliseconds)]
    private static partial Regex AzureStorageKey();

    [GeneratedRegex(@"[?&](?i:sig)=(?<secret>[A-Za-z0-9%+/=_-]{8,})", Options, TimeoutMilliseconds)]
    private static partial Regex AzureSas();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", Options, TimeoutMilliseconds)]
    private static partial Regex GcpApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})", Options, TimeoutMilliseconds)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9-])xox[abprs]-[A-Za-z0-9-]{10,}", Options, TimeoutMilliseconds)]
    private static partial Regex SlackToken();

    // Password=…; Pwd=…; in connection strings: a quoted value, else everything up to ';' or the end of the line.
    [GeneratedRegex(@"(?i:password|passwd|pwd)\s{0,4}=\s{0,4}(?<secret>""[^""]{0,256}""|'[^']{0,256}'|[^;\r\n]{1,256})", Options, TimeoutMilliseconds)]
    private static partial Regex ConnectionStringPassword();

    // scheme://user:password@host keeps scheme, user and host; the user may be empty (redis://:password@host).
    [GeneratedRegex(@"://[^:/?#@\s]{0,256}:(?<secret>[^@/?#\s]{1,256})@", Options, TimeoutMilliseconds)]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?i:bearer)\s{1,4}(?<secret>[A-Za-z0-9._~+/-]{8,}=*)", Options, TimeoutMilliseconds)]
    private static partial Regex BearerToken();
}
