using System.Security.Claims;
using ActionGuard.AI;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ActionGuard.Mcp;

/// <summary>
/// An MCP server tool that runs only after a verified human approval of the exact call on the ActionGuard backend.
/// Enforcement sits on the tool itself, so every <c>tools/call</c> that reaches it goes through the approval.
/// </summary>
/// <remarks>
/// A denial or a timeout is a <see cref="CallToolResult"/> with <see cref="CallToolResult.IsError"/> set and the reason
/// as text, which the client's model can read; a backend fault or a failed verification is an error result too, and the
/// tool does not run. An authenticated MCP user (a <c>sub</c> claim) is the request's initiator, so they cannot approve
/// their own call.
/// </remarks>
public sealed class GuardedMcpServerTool : DelegatingMcpServerTool
{
    private readonly GuardedAIFunction _function;

    internal GuardedMcpServerTool(McpServerTool innerTool, GuardedAIFunction function)
        : base(innerTool)
    {
        _function = function;
    }

    /// <summary>Gets the action kind.</summary>
    public ActionKind Kind => _function.Kind;

    /// <summary>Gets the action name the approval is requested under.</summary>
    public string ActionName => _function.ActionName;

    /// <inheritdoc/>
    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var initiator = Initiator(request.User) is { } party ? ActionInitiator.Begin(party) : null;
        try
        {
            var result = await _function.InvokeAsync(McpToolFunction.CreateArguments(request), cancellationToken).ConfigureAwait(false);
            return result switch
            {
                CallToolResult callResult => callResult,
                string refusal => Error(refusal),
                _ => Error($"The call to '{ProtocolTool.Name}' returned no result."),
            };
        }
        catch (ActionGuardException ex)
        {
            return Error($"The call to '{ProtocolTool.Name}' did not run: ActionGuard could not obtain a verified approval ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    private static CallToolResult Error(string text) => new() { IsError = true, Content = [new TextContentBlock { Text = text }] };

    private static ApprovalParty? Initiator(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var subject = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        return new ApprovalParty
        {
            Issuer = user.FindFirst("iss")?.Value ?? user.FindFirst("sub")?.Issuer,
            Subject = subject,
            Name = user.FindFirst("name")?.Value ?? user.Identity?.Name,
            Email = user.FindFirst("email")?.Value ?? user.FindFirst(ClaimTypes.Email)?.Value,
        };
    }
}
