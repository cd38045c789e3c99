namespace ActionGuard;

/// <summary>
/// Marks a parameter whose value must never leave the process: it is masked in the approval request, while the action
/// hash still covers its full value.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class SensitiveAttribute : Attribute
{
}
