namespace ActionGuard.Classification;

/// <summary>The names of the data classes the default classifier reports, as they appear in <c>dataClasses</c>.</summary>
public static class DataClassNames
{
    /// <summary>An email address.</summary>
    public const string Email = "email";

    /// <summary>A phone number: E.164 (<c>+44 20 7946 0958</c>), or a national format next to a word such as <c>phone</c>.</summary>
    public const string Phone = "phone";

    /// <summary>A payment card number that passes the Luhn check and has a known issuer prefix and length.</summary>
    public const string PaymentCard = "payment_card";

    /// <summary>An IBAN with the right length for its country and a valid mod-97 checksum.</summary>
    public const string Iban = "iban";

    /// <summary>A US social security number that follows the area, group and serial rules.</summary>
    public const string UsSsn = "us_ssn";

    /// <summary>A UK National Insurance number (format and prefix rules; it has no checksum).</summary>
    public const string UkNino = "national_id.uk_nino";

    /// <summary>A Spanish DNI or NIE with a valid check letter.</summary>
    public const string EsDni = "national_id.es_dni";

    /// <summary>A Dutch BSN that passes the 11-proof, next to a word such as <c>bsn</c>.</summary>
    public const string NlBsn = "national_id.nl_bsn";

    /// <summary>An Indian Aadhaar number with a valid Verhoeff check digit.</summary>
    public const string InAadhaar = "national_id.in_aadhaar";

    /// <summary>An IPv4 or IPv6 address.</summary>
    public const string IpAddress = "ip_address";

    /// <summary>A token of high Shannon entropy next to a word such as <c>key</c>, <c>secret</c> or <c>token</c>.</summary>
    public const string HighEntropySecret = "secret.high_entropy";

    /// <summary>The prefix of secret classes; the rest names the kind, as the argument redactor counts them (<c>secret.jwt</c>, <c>secret.aws_access_key</c>, …).</summary>
    public const string SecretPrefix = "secret.";
}
