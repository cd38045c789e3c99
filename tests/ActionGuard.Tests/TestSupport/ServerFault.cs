using System.Net;
using System.Text.Json.Nodes;

namespace ActionGuard.Tests.TestSupport;

/// <summary>
/// A fault <see cref="ProtocolTestServer"/> injects into one request, queued per endpoint with
/// <see cref="ProtocolTestServer.InjectFault"/>. Faults either replace the endpoint (it never runs), run before it
/// (delays, holds), or run after it (the backend acted, then the reply is lost or changed).
/// </summary>
public sealed class ServerFault
{
    private ServerFault(FaultKind kind, bool afterEndpoint)
    {
        Kind = kind;
        RunsAfterEndpoint = afterEndpoint;
    }

    internal enum FaultKind
    {
        Status,
        MalformedJson,
        RewriteJson,
        Delay,
        Hold,
        HoldReply,
        DropConnection,
    }

    internal FaultKind Kind { get; }

    internal bool RunsAfterEndpoint { get; }

    internal HttpStatusCode StatusCode { get; private init; }

    internal TimeSpan DelayBy { get; private init; }

    internal Task? Release { get; private init; }

    internal Action<JsonObject>? Rewrite { get; private init; }

    /// <summary>Answers with <paramref name="statusCode"/> and a problem body; the endpoint does not run.</summary>
    public static ServerFault Status(HttpStatusCode statusCode) => new(FaultKind.Status, afterEndpoint: false) { StatusCode = statusCode };

    /// <summary>Lets the endpoint run (the backend acts), then replaces its reply with <paramref name="statusCode"/>: a lost reply.</summary>
    public static ServerFault StatusAfterEndpoint(HttpStatusCode statusCode) => new(FaultKind.Status, afterEndpoint: true) { StatusCode = statusCode };

    /// <summary>Answers 200 <c>application/json</c> with a body that is not JSON; the endpoint does not run.</summary>
    public static ServerFault MalformedJson() => new(FaultKind.MalformedJson, afterEndpoint: false);

    /// <summary>Lets the endpoint run, then changes its JSON reply with <paramref name="rewrite"/>.</summary>
    public static ServerFault RewriteJson(Action<JsonObject> rewrite)
    {
        ArgumentNullException.ThrowIfNull(rewrite);
        return new(FaultKind.RewriteJson, afterEndpoint: true) { Rewrite = rewrite };
    }

    /// <summary>Lets the endpoint run, then replaces the approval's status with one the protocol does not define.</summary>
    public static ServerFault UnknownStatus(string status = "on_hold") => RewriteJson(json => json["status"] = status);

    /// <summary>Lets the endpoint run, then answers with another approval's id.</summary>
    public static ServerFault WrongApprovalId(string approvalId = "apr_somebody_else") => RewriteJson(json => json["id"] = approvalId);

    /// <summary>Waits <paramref name="delay"/> (or until the client gives up), then lets the endpoint run.</summary>
    public static ServerFault Delay(TimeSpan delay) => new(FaultKind.Delay, afterEndpoint: false) { DelayBy = delay };

    /// <summary>Holds the request until <paramref name="release"/> completes (or the client gives up), then lets the endpoint run.</summary>
    public static ServerFault HoldUntil(Task release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return new(FaultKind.Hold, afterEndpoint: false) { Release = release };
    }

    /// <summary>Lets the endpoint run (the backend acts), then holds its reply until <paramref name="release"/> completes or the client gives up.</summary>
    public static ServerFault HoldReplyUntil(Task release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return new(FaultKind.HoldReply, afterEndpoint: true) { Release = release };
    }

    /// <summary>Aborts the connection without answering; the endpoint does not run.</summary>
    public static ServerFault DropConnection() => new(FaultKind.DropConnection, afterEndpoint: false);

    /// <summary>Lets the endpoint run (the backend acts), then aborts the connection instead of answering.</summary>
    public static ServerFault DropConnectionAfterEndpoint() => new(FaultKind.DropConnection, afterEndpoint: true);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        FaultKind.Status => $"Status({(int)StatusCode}{(RunsAfterEndpoint ? ", after endpoint" : string.Empty)})",
        FaultKind.Delay => $"Delay({DelayBy})",
        _ => $"{Kind}{(RunsAfterEndpoint ? "(after endpoint)" : "()")}",
    };
}
