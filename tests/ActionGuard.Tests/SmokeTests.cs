namespace ActionGuard.Tests;

public sealed class ActionKindsTests
{
    [Theory]
    [InlineData(ActionKind.DataExport, "data_export")]
    [InlineData(ActionKind.PermissionChange, "permission_change")]
    [InlineData(ActionKind.InfrastructureMutation, "infrastructure_mutation")]
    public void Built_in_kinds_have_stable_wire_names(ActionKind kind, string expected)
        => Assert.Equal(expected, ActionKinds.ToName(kind));

    [Theory]
    [InlineData("payments.refund", true)]
    [InlineData("Payments", false)]
    [InlineData("", false)]
    [InlineData("1abc", false)]
    public void Custom_kind_names_are_validated(string name, bool valid)
        => Assert.Equal(valid, ActionKinds.IsValidName(name));

    [Fact]
    public void Invalid_custom_kind_on_attribute_names_the_kind()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RequiresApprovalAttribute("Bad Kind"));
        Assert.Contains("Bad Kind", ex.Message, StringComparison.Ordinal);
    }
}
