namespace ActionGuard.Interception;

/// <summary>One parameter of a guarded method that becomes an <see cref="ActionArgument"/>.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Index">The position of the value in the proxy's argument array.</param>
/// <param name="IsSensitive">Whether the interface or the implementation marks the parameter <see cref="SensitiveAttribute"/>.</param>
/// <param name="IsPayload">Whether the interface or the implementation marks the parameter <see cref="Classification.PayloadAttribute"/>.</param>
internal readonly record struct ArgumentSlot(string Name, int Index, bool IsSensitive, bool IsPayload = false);
