namespace ActionGuard.Analyzers;

/// <summary>What a catalogued API does; the names match the constants of <c>ActionGuard.ActionKind</c>.</summary>
internal enum SensitiveKind
{
    /// <summary>Not sensitive: a user catalog entry that silences a built-in one.</summary>
    Ignore = 0,

    DataExport = 1,

    PermissionChange = 2,

    InfrastructureMutation = 3,
}
