using System.Net;

namespace ActionGuard.Client;

/// <summary>
/// One kind of refusal of the approval protocol: the RFC 9457 <c>type</c> (<see cref="ProtocolProblems.TypeBase"/> +
/// <see cref="Name"/>), its HTTP status and title. Backends answer with these; the SDK surfaces the type on
/// <see cref="ApprovalRequestRejectedException.ProblemType"/>.
/// </summary>
internal sealed record ProtocolProblem(string Name, HttpStatusCode Status, string Title)
{
    public string Type => ProtocolProblems.TypeBase + Name;
}
