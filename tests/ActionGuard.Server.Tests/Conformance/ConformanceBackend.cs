using System.Net;
using ActionGuard.Client;

namespace ActionGuard.Server.Tests.Conformance;

/// <summary>
/// One backend the conformance suite runs against: agents reach it through the SDK's <see cref="ApprovalClient"/>,
/// people decide the way that backend lets them (the review API with an ID token, or the in-memory backend's methods).
/// Every backend is configured with the same policy (<see cref="ConformancePolicy"/>).
/// </summary>
public abstract class ConformanceBackend : IAsyncDisposable
{
    public const string AgentId = "agent-1";
    public const string OtherAgentId = "agent-2";

    /// <summary>The issuer people's identities come from.</summary>
    public abstract string PeopleIssuer { get; }

    /// <summary>The SDK client of <paramref name="agentId"/> (<see cref="AgentId"/> or <see cref="OtherAgentId"/>).</summary>
    public abstract ApprovalClient Agent(string agentId);

    /// <summary>The person <paramref name="subject"/> decides; null when accepted, the refusal otherwise.</summary>
    public abstract Task<Refusal?> DecideAsync(string approvalId, string subject, ApprovalVerdict verdict, string? reason = null);

    public ApprovalParty Person(string subject) => new() { Issuer = PeopleIssuer, Subject = subject };

    public abstract ValueTask DisposeAsync();
}

/// <summary>A refused call: its status and problem type.</summary>
public sealed record Refusal(HttpStatusCode Status, string? ProblemType);
