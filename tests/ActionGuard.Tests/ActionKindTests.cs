namespace ActionGuard.Tests;

public sealed class ActionKindTests
{
    [Theory]
    [InlineData(ActionKind.DataExport, "data_export")]
    [InlineData(ActionKind.PermissionChange, "permission_change")]
    [InlineData(ActionKind.InfrastructureMutation, "infrastructure_mutation")]
    public void Built_in_kinds_have_stable_wire_names(string constant, string expected)
    {
        ActionKind kind = constant;

        Assert.Equal(expected, kind.Name);
        Assert.True(kind.IsBuiltIn);
    }

    [Theory]
    [InlineData("payments.refund", true)]
    [InlineData("a", true)]
    [InlineData("a-b_c.9", true)]
    [InlineData("Payments", false)]
    [InlineData("", false)]
    [InlineData("1abc", false)]
    [InlineData("data export", false)]
    [InlineData("data_export\n", false)]
    [InlineData("ä", false)]
    [InlineData(null, false)]
    public void Kind_names_are_validated(string? name, bool valid)
    {
        Assert.Equal(valid, ActionKind.IsValidName(name));
        Assert.Equal(valid, ActionKind.TryParse(name, out var kind));
        Assert.Equal(valid ? name : string.Empty, kind.ToString());
    }

    // The rule is written twice on purpose: as a pattern for messages and the server's errors, and as a hand-written check
    // (a regex's '$' also matches before a final "\n"). Both must say the same of every name.
    [Theory]
    [InlineData("a")]
    [InlineData("payments.refund")]
    [InlineData("x-1_y.z")]
    [InlineData("Z")]
    [InlineData("9lives")]
    [InlineData("-lead")]
    [InlineData("tab\there")]
    [InlineData("naïve")]
    [InlineData("kind\n")]
    [InlineData("")]
    public void The_hand_written_check_and_the_stated_pattern_agree(string name)
    {
        var pattern = ActionKind.NamePattern.Replace("$", "\\z", StringComparison.Ordinal);
        Assert.Equal(System.Text.RegularExpressions.Regex.IsMatch(name, pattern), ActionKind.IsValidName(name));
    }

    [Fact]
    public void The_stated_pattern_and_the_check_agree_on_the_length_limit()
    {
        var pattern = ActionKind.NamePattern.Replace("$", "\\z", StringComparison.Ordinal);
        foreach (var length in new[] { 63, 64, 65 })
        {
            var name = "a" + new string('b', length - 1);
            Assert.Equal(System.Text.RegularExpressions.Regex.IsMatch(name, pattern), ActionKind.IsValidName(name));
        }
    }

    [Fact]
    public void Names_are_at_most_64_characters()
    {
        Assert.True(ActionKind.IsValidName("a" + new string('b', 63)));
        Assert.False(ActionKind.IsValidName("a" + new string('b', 64)));
    }

    [Fact]
    public void A_custom_kind_is_not_built_in_and_equals_its_name()
    {
        ActionKind refund = "payments.refund";

        Assert.False(refund.IsBuiltIn);
        Assert.Equal(new ActionKind("payments.refund"), refund);
        Assert.True(refund == "payments.refund");
        Assert.True(refund != ActionKind.DataExport);
        Assert.Equal(new ActionKind("payments.refund").GetHashCode(), refund.GetHashCode());
    }

    [Fact]
    public void An_invalid_name_is_refused_with_the_name_and_the_rule()
    {
        var ex = Assert.Throws<ArgumentException>(() => (ActionKind)"Bad Kind");

        Assert.Contains("'Bad Kind'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lower-case letter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_custom_kind_on_attribute_names_the_kind()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RequiresApprovalAttribute("Bad Kind"));

        Assert.Contains("Bad Kind", ex.Message, StringComparison.Ordinal);
        Assert.Equal("kind", ex.ParamName);
    }

    [Fact]
    public void The_default_kind_names_nothing_and_is_refused_where_a_kind_is_given()
    {
        var none = default(ActionKind);

        Assert.Throws<InvalidOperationException>(() => none.Name);
        Assert.False(none.IsBuiltIn);
        var ex = Assert.Throws<ArgumentException>(() => new GuardedAction(none, "Exporter.Export"));
        Assert.Equal("kind", ex.ParamName);
    }
}
