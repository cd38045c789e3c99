using ActionGuard.Client;
using System.Net;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Identity;

/// <summary>Authenticates the caller, enforces the endpoint's role and the caller's rate limits.</summary>
internal sealed class RequestGate
{
    private readonly CallerAuthenticator _authenticator;
    private readonly RequestThrottle _throttle;
    private readonly ApproverDirectory _approvers;
    private readonly string _auditorGroup;
    private readonly ActionGuardServerOptions _options;

    public RequestGate(CallerAuthenticator authenticator, RequestThrottle throttle, ApproverDirectory approvers, IOptions<ActionGuardServerOptions> options)
    {
        _approvers = approvers;
        _authenticator = authenticator;
        _throttle = throttle;
        _options = options.Value;
        _auditorGroup = options.Value.AuditorGroup;
    }

    public async Task<(Caller? Caller, ApiProblem? Problem)> AdmitAsync(HttpContext context, Role role)
    {
        if (_throttle.CheckAddress(context) is { } blocked)
        {
            return (null, blocked);
        }

        var (caller, problem) = await _authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            _throttle.AuthenticationFailed(context);
            return (null, problem);
        }

        var refusal = (role, caller.IsAgent) switch
        {
            (Role.Agent, false) => "Only agents may call this endpoint; an approver token cannot create or act on requests.",
            (Role.Approver, true) => "Only approvers may call this endpoint; an agent token cannot decide or list.",
            (Role.Auditor, true) => "Only auditors may read the audit log.",
            (Role.Auditor, false) when !_options.IsAuditor(caller) => $"Only members of '{_auditorGroup}' may read the audit log.",
            _ => null,
        };
        if (refusal is not null)
        {
            return (null, new ApiProblem(ProtocolProblems.ForbiddenRole, refusal));
        }

        if (_throttle.Admit(caller) is { } limited)
        {
            return (null, limited);
        }

        if (!caller.IsAgent && role is Role.Approver or Role.AgentOrApprover)
        {
            await _approvers.SeenAsync(caller).ConfigureAwait(false);
        }

        return (caller, null);
    }
}
