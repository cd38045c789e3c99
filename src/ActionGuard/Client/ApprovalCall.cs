namespace ActionGuard.Client;

/// <summary>What a call to the backend was about, for the exceptions it may raise.</summary>
/// <param name="Operation">A short description such as <c>"Creating the approval"</c>.</param>
/// <param name="ApprovalId">The approval id, when known.</param>
/// <param name="ActionKind">The action kind, when known.</param>
/// <param name="ActionName">The action name, when known.</param>
internal readonly record struct ApprovalCall(string Operation, string? ApprovalId, string? ActionKind = null, string? ActionName = null);
