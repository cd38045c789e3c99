using ActionGuard.Redaction;

namespace ActionGuard.Tests.Redaction;

public sealed class SecretPatternsTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    private const string AzureKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string PemKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx9gG+Tz3q0lP\nq4i0vUJ+/kq9wV2Q==\n-----END RSA PRIVATE KEY-----";

    [Theory]
    [InlineData("jwt", "token " + Jwt + " end", "token [redacted:jwt] end")]
    [InlineData("aws_access_key", "id AKIAIOSFODNN7EXAMPLE, ok", "id [redacted:aws_access_key], ok")]
    [InlineData("aws_access_key", "sts ASIAY34FZKBOKMUTVV7A", "sts [redacted:aws_access_key]")]
    [InlineData("aws_secret_key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "aws_secret_access_key = [redacted:aws_secret_key]\n")]
    [InlineData("aws_secret_key", "AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "AWS_SECRET_ACCESS_KEY=\"[redacted:aws_secret_key]\"")]
    [InlineData("azure_storage_key", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + AzureKey + ";EndpointSuffix=core.windows.net", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[redacted:azure_storage_key];EndpointSuffix=core.windows.net")]
    [InlineData("azure_sas", "https://acct.blob.core.windows.net/c/b.csv?sv=2022-11-02&sp=r&sig=AbCdEf0123456789%2BxyZ%3D&se=2025", "https://acct.blob.core.windows.net/c/b.csv?sv=2022-11-02&sp=r&sig=[redacted:azure_sas]&se=2025")]
    [InlineData("gcp_api_key", "key=AIzaSyDq3k2j1h0g9f8e7d6c5b4a3Z2Y1X0W9V8 ", "key=[redacted:gcp_api_key] ")]
    [InlineData("github_token", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "[redacted:github_token]")]
    [InlineData("github_token", "use gho_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 now", "use [redacted:github_token] now")]
    [InlineData("github_token", "ghs_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "[redacted:github_token]")]
    [InlineData("github_token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW;", "[redacted:github_token];")]
    [InlineData("slack_token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[redacted:slack_token]")]
    [InlineData("slack_token", "(xoxp-1111111111-2222222222)", "([redacted:slack_token])")]
    [InlineData("private_key", "key:\n" + PemKey + "\ndone", "key:\n[redacted:private_key]\ndone")]
    [InlineData("private_key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC (truncated", "[redacted:private_key]")]
    [InlineData("private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", "[redacted:private_key]")]
    [InlineData("password", "Server=db;User Id=sa;Password=Secr3t!;Encrypt=true", "Server=db;User Id=sa;Password=[redacted:password];Encrypt=true")]
    [InlineData("password", "Host=db;Username=app;pwd = 'a;b'", "Host=db;Username=app;pwd = [redacted:password]")]
    [InlineData("password", "postgres://app:s3cr3t@db.example.com:5432/app", "postgres://app:[redacted:password]@db.example.com:5432/app")]
    [InlineData("password", "redis://:hunter2@cache:6379", "redis://:[redacted:password]@cache:6379")]
    [InlineData("bearer_token", "Authorization: Bearer abcdef0123456789abcdef", "Authorization: Bearer [redacted:bearer_token]")]
    [InlineData("bearer_token", "authorization: bearer dGhpcyBpcyBhIHRva2Vu==", "authorization: bearer [redacted:bearer_token]")]
    public void Each_secret_class_is_masked_and_counted(string secretClass, string input, string expected)
    {
        Dictionary<string, long>? counts = null;

        string masked = SecretPatterns.Mask(input, ref counts);

        Assert.Equal(expected, masked);
        Assert.NotNull(counts);
        Assert.Equal(1, counts["secret." + secretClass]);
    }

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiJ9 has no dots")]
    [InlineData("xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig but glued to a word")]
    [InlineData("AKIAIOSFODNN7EXAMPLE1 is one character too long")]
    [InlineData("AKIAIOSFODNN7EXAMP is too short")]
    [InlineData("akiaiosfodnn7example is lowercase")]
    [InlineData("aws_secret_access_key=tooShortForAnAwsSecret")]
    [InlineData("aws_region=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("AccountName=acct;AccountKey=short")]
    [InlineData("https://x.example/?signature=abcdefghijklmnop")]
    [InlineData("https://x.example/?sv=1&sig=short")]
    [InlineData("AIzaSyDq3k2j1h0g9f8e7d6c5b4a3Z2Y1X0W9 is too short")]
    [InlineData("ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7 is too short")]
    [InlineData("ghx_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 has an unknown prefix")]
    [InlineData("xoxz-123456789012-1234567890123 has an unknown type")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END CERTIFICATE-----")]
    [InlineData("PasswordPolicy: strict, rotate every 90 days")]
    [InlineData("https://user@example.com/path")]
    [InlineData("https://example.com:8080/a@b")]
    [InlineData("the bearer of good news")]
    [InlineData("Bearer: short")]
    public void Near_misses_are_left_alone(string input)
    {
        Dictionary<string, long>? counts = null;

        Assert.Equal(input, SecretPatterns.Mask(input, ref counts));
        Assert.Null(counts);
    }

    [Fact]
    public void Text_without_a_trigger_is_returned_as_the_same_instance()
    {
        string text = "Quarterly export of 1,204 customers to partner SFTP – région Île-de-France";
        Dictionary<string, long>? counts = null;

        Assert.Same(text, SecretPatterns.Mask(text, ref counts));
        Assert.Null(counts);
    }

    [Fact]
    public void Text_with_a_trigger_but_no_secret_is_returned_as_the_same_instance()
    {
        string text = "Visit https://example.com and Asia; the token bucket has no secret in it.";
        Dictionary<string, long>? counts = null;

        Assert.Same(text, SecretPatterns.Mask(text, ref counts));
    }

    [Fact]
    public void Several_secrets_are_each_masked_and_counted()
    {
        string text = $"a={Jwt} b=AKIAIOSFODNN7EXAMPLE c={Jwt} Password=x;";
        Dictionary<string, long>? counts = null;

        string masked = SecretPatterns.Mask(text, ref counts);

        Assert.Equal("a=[redacted:jwt] b=[redacted:aws_access_key] c=[redacted:jwt] Password=[redacted:password];", masked);
        Assert.Equal(2, counts!["secret.jwt"]);
        Assert.Equal(1, counts["secret.aws_access_key"]);
        Assert.Equal(1, counts["secret.password"]);
    }

    [Fact]
    public void Overlapping_matches_merge_so_no_part_of_a_secret_survives()
    {
        // The connection-string pattern stops after 256 characters; the JWT inside it runs on beyond.
        string longJwt = "eyJhbGciOiJIUzI1NiJ9." + new string('A', 600) + ".sig0123456789";
        string text = "Password=\"" + longJwt + "; tail";
        Dictionary<string, long>? counts = null;

        string masked = SecretPatterns.Mask(text, ref counts);

        Assert.DoesNotContain("AAAA", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("sig0123456789", masked, StringComparison.Ordinal);
        Assert.EndsWith("; tail", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Bearer_jwt_is_masked_once()
    {
        Dictionary<string, long>? counts = null;

        string masked = SecretPatterns.Mask("Authorization: Bearer " + Jwt, ref counts);

        Assert.Equal("Authorization: Bearer [redacted:jwt]", masked);
        Assert.Equal(2, counts!.Values.Sum());
    }

    [Fact]
    public void Secrets_next_to_non_ASCII_text_are_masked()
    {
        Dictionary<string, long>? counts = null;

        string masked = SecretPatterns.Mask("clé→AKIAIOSFODNN7EXAMPLE←😀 mot de passe: Password=Ünïcødé€;x", ref counts);

        Assert.Equal("clé→[redacted:aws_access_key]←😀 mot de passe: Password=[redacted:password];x", masked);
    }

    public static TheoryData<string, string> AdversarialInputs()
    {
        const int Size = 1024 * 1024;
        static string Repeat(string unit) => string.Concat(Enumerable.Repeat(unit, (Size / unit.Length) + 1));
        return new TheoryData<string, string>
        {
            { "eyJ", Repeat("eyJ") },
            { "eyJ segments", Repeat("eyJhbGciOi.") },
            { "eyJ unterminated", "eyJ" + new string('a', Size) },
            { "AKIA", Repeat("AKIA") },
            { "aws secret", Repeat("aws_secret_access_key=") },
            { "AccountKey", Repeat("AccountKey=") },
            { "AccountKey run", "AccountKey=" + new string('A', Size) },
            { "sig", Repeat("?sig=") },
            { "AIza", Repeat("AIza") },
            { "ghp", Repeat("ghp_") },
            { "github_pat", Repeat("github_pat_") },
            { "xoxb", Repeat("xoxb-") },
            { "PEM headers", Repeat("-----BEGIN PRIVATE KEY-----") },
            { "PEM bodies", Repeat("-----BEGIN RSA PRIVATE KEY-----\nAAAA-") },
            { "PEM dashes", "-----BEGIN PRIVATE KEY-----" + Repeat("----a") },
            { "password", Repeat("password=") },
            { "password quote", Repeat("Password=\"") },
            { "url", Repeat("://a:") },
            { "url at end", Repeat("://") + "@" },
            { "bearer", Repeat("Bearer ") },
            { "bearer run", "bearer " + new string('x', Size) },
            { "mixed", Repeat("eyJ.AKIA ://x:y Bearer Password=\" -----BEGIN PRIVATE KEY----- xoxb- ghp_ sig= ") },
        };
    }

    [Theory]
    [MemberData(nameof(AdversarialInputs))]
    public void A_megabyte_of_adversarial_input_is_scanned_in_linear_time(string name, string input)
    {
        Dictionary<string, long>? counts = null;

        string masked = SecretPatterns.Mask(input, ref counts);

        Assert.False(string.IsNullOrEmpty(name));
        Assert.NotEqual(SecretPatterns.UnscannableMarker, masked);
        Assert.True(masked.Length <= input.Length + (input.Length / 2), "masking does not blow up the text");
    }
}
