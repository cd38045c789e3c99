namespace ActionGuard.Testing.Internal;

internal enum ScriptKind
{
    Approve,
    ApproveByPolicy,
    Deny,
    DenyByPolicy,
    NeverAnswer,
    Expire,
    Fail,
    AfterDelay,
}
