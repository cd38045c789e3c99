using ActionGuard.Redaction;

namespace ActionGuard.Tests.Redaction;

public sealed class SensitiveNameMatcherTests
{
    private static readonly SensitiveNameMatcher Matcher = new(["ssn", "card_number"]);

    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("dbPassword")]
    [InlineData("DB_PASSWORD")]
    [InlineData("passwd")]
    [InlineData("pwd")]
    [InlineData("oldPwd")]
    [InlineData("clientSecret")]
    [InlineData("client_secret")]
    [InlineData("secrets")]
    [InlineData("token")]
    [InlineData("accessToken")]
    [InlineData("refresh-token")]
    [InlineData("maxTokens")]
    [InlineData("apiKey")]
    [InlineData("api_key")]
    [InlineData("X-Api-Key")]
    [InlineData("APIKey")]
    [InlineData("awsAccessKey")]
    [InlineData("privateKey")]
    [InlineData("private_key_pem")]
    [InlineData("ConnectionString")]
    [InlineData("credentials")]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    [InlineData("set-cookie")]
    [InlineData("sessionId")]
    [InlineData("SESSIONID")]
    [InlineData("ssn")]
    [InlineData("customerSsn")]
    [InlineData("cardNumber")]
    [InlineData("card-numbers")]
    public void Secret_names_are_recognised(string name)
        => Assert.True(Matcher.IsSensitive(name));

    [Theory]
    [InlineData("")]
    [InlineData("username")]
    [InlineData("email")]
    [InlineData("region")]
    [InlineData("keyName")]
    [InlineData("tokenizer")]
    [InlineData("forward")]
    [InlineData("description")]
    [InlineData("lesson")]
    [InlineData("session")]
    public void Ordinary_names_are_not(string name)
        => Assert.False(Matcher.IsSensitive(name));

    [Fact]
    public void Very_long_names_are_handled()
    {
        Assert.True(Matcher.IsSensitive(new string('a', 500) + "Password"));
        Assert.True(Matcher.IsSensitive(new string('a', 500) + "_token"));
        Assert.False(Matcher.IsSensitive(new string('a', 500)));
    }

    [Fact]
    public void Custom_names_match_whole_parts_only()
    {
        var matcher = new SensitiveNameMatcher(["iban"]);

        Assert.True(matcher.IsSensitive("payeeIban"));
        Assert.True(matcher.IsSensitive("IBAN"));
        Assert.False(matcher.IsSensitive("tibant"));
        Assert.False(new SensitiveNameMatcher([]).IsSensitive("payeeIban"));
    }
}
