namespace ActionGuard.Analyzers;

/// <summary>The diagnostic IDs of every ActionGuard rule, in one place so code fixes and docs agree with the analyzers.</summary>
internal static class RuleIdentifiers
{
    public const string UnguardedDataExport = "AG0001";
    public const string UnguardedPermissionChange = "AG0002";
    public const string UnguardedInfrastructureMutation = "AG0003";
    public const string GuardBypassed = "AG0004";
    public const string InvalidApprovalTemplate = "AG0005";
    public const string GuardCallNotAwaited = "AG0006";
    public const string SensitiveParameterNotMarked = "AG0007";
    public const string InvalidCatalogEntry = "AG0008";

    /// <summary>The diagnostic property that carries the finding's kind (<c>DataExport</c> …) for code fixes.</summary>
    public const string KindProperty = "Kind";

    public static string GetHelpLink(string id) =>
        "https://github.com/actionguard/actionguard/blob/main/docs/rules/" + id + ".md";
}
