namespace ActionGuard.Server.Tokens;

/// <summary>A signed decision token and the claims it was signed with.</summary>
internal readonly record struct IssuedToken(string Token, DecisionTokenContent Content);
