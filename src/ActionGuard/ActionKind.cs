namespace ActionGuard;

/// <summary>
/// The built-in categories of privileged action. Custom kinds are named by string, see
/// <see cref="RequiresApprovalAttribute(string)"/> and <see cref="GuardedAction(string, string)"/>.
/// </summary>
public enum ActionKind
{
    /// <summary>Data leaves its boundary: an export, upload, copy or share to another destination.</summary>
    DataExport = 1,

    /// <summary>Who may do what changes: roles, grants, policies, access keys, group memberships.</summary>
    PermissionChange = 2,

    /// <summary>Infrastructure is created, changed or destroyed: instances, clusters, networks, deployments.</summary>
    InfrastructureMutation = 3,
}
