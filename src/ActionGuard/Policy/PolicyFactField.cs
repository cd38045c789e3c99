namespace ActionGuard.Policy;

/// <summary>A pattern field of a rule and the fact it is matched against; URL-shaped ones match as <see cref="PolicyUrl"/> says.</summary>
internal sealed record PolicyFactField(string Name, bool IsUrl, Func<PolicyRule, PolicyGlob?> Pattern, Func<PolicyFacts, string?> Value);
