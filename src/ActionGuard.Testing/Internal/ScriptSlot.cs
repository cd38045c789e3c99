namespace ActionGuard.Testing.Internal;

// Where the rule that decided a new request's policy leaves its script for the create call that asked.
internal sealed class ScriptSlot
{
    public ApprovalScript? Script { get; set; }
}
