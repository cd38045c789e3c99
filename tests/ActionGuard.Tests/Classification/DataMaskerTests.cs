using ActionGuard.Classification;

namespace ActionGuard.Tests.Classification;

public sealed class DataMaskerTests
{
    private static readonly byte[] Key = "0123456789abcdef0123456789abcdef"u8.ToArray();

    [Fact]
    public void Mask_mode_keeps_the_kind_recognisable()
    {
        var masker = new DataMasker(new DataMaskerOptions());

        string masked = masker.Mask("mail john@example.com, card 4242 4242 4242 4242.");

        Assert.Equal("mail j***@example.com, card **** **** **** 4242.", masked);
    }

    [Fact]
    public void Hash_mode_is_joinable_and_keyed()
    {
        var options = new DataMaskerOptions { DefaultMode = MaskingMode.Hash, HashKey = Key };
        var masker = new DataMasker(options);
        var otherKey = new DataMasker(new DataMaskerOptions { DefaultMode = MaskingMode.Hash, HashKey = [.. Key.Reverse()] });

        string a = masker.Mask("John@Example.com");
        string b = masker.Mask("john@example.com");
        string cardSpaced = masker.Mask("4242 4242 4242 4242");
        string cardPlain = masker.Mask("4242424242424242");

        Assert.StartsWith("email:", a, StringComparison.Ordinal);
        Assert.Equal(a, b);
        Assert.Equal(cardSpaced, cardPlain);
        Assert.StartsWith("payment_card:", cardPlain, StringComparison.Ordinal);
        Assert.NotEqual(a, otherKey.Mask("john@example.com"));
        Assert.NotEqual(a, masker.Mask("jane@example.com"));
        Assert.DoesNotContain("john", a, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Drop_and_keep_are_per_class()
    {
        var options = new DataMaskerOptions();
        options.Modes[DataClassNames.Email] = MaskingMode.Drop;
        options.Modes[DataClassNames.IpAddress] = MaskingMode.Keep;
        options.Modes["secret.*"] = MaskingMode.Drop;
        var masker = new DataMasker(options);

        Assert.Equal("from  at 10.0.0.1 key ", masker.Mask("from ann@example.com at 10.0.0.1 key AKIAIOSFODNN7EXAMPLE"));
    }

    [Fact]
    public void Rows_are_masked_with_column_context()
    {
        var options = new DataMaskerOptions { HashKey = Key };
        options.Modes[DataClassNames.NlBsn] = MaskingMode.Hash;
        options.Modes[DataClassNames.Email] = MaskingMode.Drop;
        var masker = new DataMasker(options);
        var row = new Dictionary<string, object?> { ["bsn"] = 111222333L, ["email"] = "ann@example.com", ["age"] = 42, ["note"] = null };

        var masked = masker.MaskRow(row);

        Assert.StartsWith("national_id.nl_bsn:", (string)masked["bsn"]!, StringComparison.Ordinal);
        Assert.Null(masked["email"]);
        Assert.Equal(42, masked["age"]);
        Assert.Null(masked["note"]);
        Assert.Equal(masked["bsn"], masker.MaskRows([row]).Single()["bsn"]);
    }

    [Fact]
    public void Hash_without_a_key_is_refused()
    {
        var options = new DataMaskerOptions();
        options.Modes[DataClassNames.Email] = MaskingMode.Hash;

        Assert.Throws<ArgumentException>(() => new DataMasker(options));
    }
}
