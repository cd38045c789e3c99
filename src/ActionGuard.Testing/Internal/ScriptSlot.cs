using ActionGuard.Server.Approvals;

namespace ActionGuard.Testing.Internal;

// What the script of an approval created in process left, for the create call that made it.
internal sealed class ScriptSlot
{
    public ApprovalRecord? Result { get; set; }
}
