namespace ActionGuard.Server.Identity;

/// <summary>Who is calling: an agent (<see cref="AgentId"/>) or a person (<see cref="Person"/> with groups).</summary>
internal sealed class Caller
{
    private static readonly HashSet<string> NoGroups = new(StringComparer.Ordinal);

    public string? AgentId { get; private init; }

    public ApprovalParty? Person { get; private init; }

    public IReadOnlySet<string> Groups { get; private init; } = NoGroups;

    /// <summary>Gets whether the person's token said <c>email_verified</c> true for its <c>email</c>.</summary>
    public bool EmailVerified { get; private init; }

    public bool IsAgent => AgentId is not null;

    /// <summary>Gets the key the caller's request allowance is kept under.</summary>
    public string PersonKey => IsAgent ? "agent:" + AgentId : Person!.PersonKey;

    public static Caller Agent(string agentId) => new() { AgentId = agentId };

    /// <summary>Gets a value indicating whether the person's groups were left out because they were read too long ago.</summary>
    public bool GroupsUnconfirmed { get; private init; }

    public static Caller ForPerson(ApprovalParty person, IReadOnlySet<string> groups, bool emailVerified = false, bool groupsUnconfirmed = false) =>
        new() { Person = person, Groups = groups, EmailVerified = emailVerified, GroupsUnconfirmed = groupsUnconfirmed };
}
