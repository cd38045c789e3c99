using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Testing.Internal;

namespace ActionGuard.Testing;

// The agent side of the protocol, called by InMemoryApprovalClient on behalf of one agent. Each call goes the way an HTTP
// request goes through the server: the body the SDK would send, read by the server's reader, handled by its service,
// refusals raised by the SDK's own mapping of problem responses.
public sealed partial class InMemoryApprovalBackend
{
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WatchKeepAlive = TimeSpan.FromSeconds(15);
    private static readonly HashSet<string> NoGroups = [];

    internal Task<Approval> CreateAsync(string agentId, CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        AgentCallAsync(token => CreateCoreAsync(agentId, request, idempotencyKey, token), cancellationToken);

    private async Task<Approval> CreateCoreAsync(string agentId, CreateApprovalRequest request, string idempotencyKey, CancellationToken token)
    {
        var call = ApprovalCall.Creating(request.Action?.Kind, request.Action?.Name);
        var errors = new Errors();
        RequestReader.CheckIdempotencyKey(idempotencyKey, errors);
        var body = ApprovalClient.SerializeBody(request, ApprovalJsonContext.Default.CreateApprovalRequest, nameof(request));
        using var document = RequestReader.Parse(body, out var parseProblem);
        if (document is null)
        {
            Record(request, agentId, idempotencyKey, approvalId: null, isReplay: false);
            throw Refusal(call, parseProblem!);
        }

        var command = new RequestReader(_limits).ReadCreate(document.RootElement, errors);
        if (errors.Count > 0 || command is null)
        {
            Record(request, agentId, idempotencyKey, approvalId: null, isReplay: false);
            throw Refusal(call, errors.ToProblem());
        }

        ApprovalRecord? record;
        bool created;
        ApiProblem? problem;
        var slot = new ScriptSlot();
        _scriptOfCreate.Value = slot;
        try
        {
            (record, created, problem) = await _service.CreateAsync(agentId, idempotencyKey, command, TokenIssuer, token).ConfigureAwait(false);
        }
        finally
        {
            _scriptOfCreate.Value = null;
        }

        if (record is null)
        {
            throw Refusal(call, problem!);
        }

        // The reply shows the approval as created and as its script left it, never a decision a test made meanwhile.
        if (created && slot.Result is { } scripted)
        {
            record = scripted;
        }

        ThrowIfFailed(record.Id);
        var (current, decisionToken) = await _service.ClaimAtCreationAsync(record, created, command, agentId, TokenIssuer, token).ConfigureAwait(false);
        return current.ToApproval(_reviewUrlBase, decisionToken);
    }

    internal Task<Approval> GetAsync(string agentId, string approvalId, TimeSpan? wait, CancellationToken cancellationToken) =>
        AgentCallAsync(async token =>
        {
            ThrowIfFailed(approvalId);
            ApprovalRecord? record;
            if (wait is { } w && w > TimeSpan.Zero)
            {
                using var failedOrDone = CancellationTokenSource.CreateLinkedTokenSource(token, FailureToken(approvalId));
                try
                {
                    record = await _service.WaitAsync(approvalId, w > MaxLongPoll ? MaxLongPoll : w, r => IsOwner(r, agentId), failedOrDone.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    ThrowIfFailed(approvalId);
                    throw;
                }
            }
            else
            {
                record = await _service.GetAsync(approvalId, token).ConfigureAwait(false);
            }

            record = Readable(ApprovalCall.Getting(approvalId), record, approvalId, agentId);
            ThrowIfFailed(approvalId);
            return Snapshot(record);
        }, cancellationToken);

    internal async IAsyncEnumerable<Approval> WatchAsync(string agentId, string approvalId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await AgentCallAsync(async token =>
        {
            ThrowIfFailed(approvalId);
            return Readable(ApprovalCall.Watching(approvalId), await _service.GetAsync(approvalId, token).ConfigureAwait(false), approvalId, agentId);
        }, cancellationToken).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token, FailureToken(approvalId));
        var changes = _service.WatchAsync(approvalId, WatchKeepAlive, linked.Token).GetAsyncEnumerator(linked.Token);
        await using (changes.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await changes.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    ThrowIfFailed(approvalId);
                    throw Problems.Disposed();
                }

                if (changes.Current is { } record)
                {
                    ThrowIfFailed(approvalId);
                    yield return Snapshot(record);
                }
            }
        }
    }

    internal Task<ClaimResult> ClaimAsync(string agentId, string approvalId, CancellationToken cancellationToken) =>
        AgentCallAsync(async token =>
        {
            ThrowIfFailed(approvalId);
            var (result, decisionToken) = await _service.ClaimAsync(approvalId, agentId, TokenIssuer, token).ConfigureAwait(false);
            Settled(ApprovalCall.Claiming(approvalId), result, approvalId);
            return new ClaimResult { DecisionToken = decisionToken! };
        }, cancellationToken);

    internal Task ReportOutcomeAsync(string agentId, string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken) =>
        AgentCallAsync(token => ReportOutcomeCoreAsync(agentId, approvalId, outcome, token), cancellationToken);

    // Each item as its own report would be answered; a scripted failure of one item fails the whole request, as a
    // server fault would.
    internal Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(string agentId, IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken) =>
        AgentCallAsync<IReadOnlyList<OutcomeReportResult>>(
            async token =>
            {
                var results = new List<OutcomeReportResult>(outcomes.Count);
                foreach (var item in outcomes)
                {
                    try
                    {
                        var status = await ReportOutcomeCoreAsync(agentId, item.ApprovalId, new ApprovalOutcome { Status = item.Status, Error = item.Error }, token).ConfigureAwait(false);
                        results.Add(new OutcomeReportResult { ApprovalId = item.ApprovalId, Status = status });
                    }
                    catch (ApprovalRequestRejectedException ex)
                    {
                        results.Add(new OutcomeReportResult { ApprovalId = item.ApprovalId, Problem = new ApprovalProblem { Type = ex.ProblemType, Detail = ex.Message } });
                    }
                }

                return results;
            },
            cancellationToken);

    // Returns the approval's status once the outcome is recorded, as the approval service left it.
    private async Task<ApprovalStatus> ReportOutcomeCoreAsync(string agentId, string approvalId, ApprovalOutcome outcome, CancellationToken token)
    {
        var call = ApprovalCall.ReportingOutcome(approvalId);
        ThrowIfFailed(approvalId);
        using var body = JsonDocument.Parse(ApprovalClient.SerializeBody(outcome, ApprovalJsonContext.Default.ApprovalOutcome, nameof(outcome)));
        var errors = new Errors();
        if (new RequestReader(_limits).ReadOutcome(body.RootElement, errors) is not { } valid)
        {
            throw Refusal(call, errors.ToProblem());
        }

        var result = await _service.ReportOutcomeAsync(approvalId, agentId, valid.Status, valid.Error, token).ConfigureAwait(false);
        Settled(call, result, approvalId);
        return result!.Current.Status;
    }

    internal Task CancelAsync(string agentId, string approvalId, CancellationToken cancellationToken) =>
        AgentCallAsync(async token =>
        {
            ThrowIfFailed(approvalId);
            Settled(ApprovalCall.Cancelling(approvalId), await _service.CancelAsync(approvalId, agentId, token).ConfigureAwait(false), approvalId);
            return true;
        }, cancellationToken);

    internal string GetSigningKeysForAgent()
    {
        if (_disposed)
        {
            throw Problems.Disposed();
        }

        return _keys.GetJwks();
    }

    // The refusal the SDK raises for the problem response the server would send.
    private static ActionGuardException Refusal(in ApprovalCall call, ApiProblem problem)
    {
        var status = (HttpStatusCode)problem.Status;
        using var phrase = new HttpResponseMessage(status);
        var body = new ApprovalProblem { Type = problem.Type, Title = problem.Title, Status = problem.Status, Detail = problem.Detail, Errors = problem.Errors?.ToDictionary(StringComparer.Ordinal) };
        return ApprovalClient.StatusException(call, status, phrase.ReasonPhrase, body, requestUri: null);
    }

    private static bool IsOwner(ApprovalRecord record, string agentId) => string.Equals(record.AgentId, agentId, StringComparison.Ordinal);

    private static ApprovalRecord Readable(in ApprovalCall call, ApprovalRecord? record, string approvalId, string agentId)
    {
        if (record is null)
        {
            throw Refusal(call, ApiProblem.NotFound(approvalId));
        }

        return IsOwner(record, agentId) ? record : throw Refusal(call, ApiProblem.NotOwner(approvalId));
    }

    private static void Settled(in ApprovalCall call, TransitionResult? result, string approvalId)
    {
        if (result is null)
        {
            throw Refusal(call, ApiProblem.NotFound(approvalId));
        }

        if (result.Error is { } problem)
        {
            throw Refusal(call, problem);
        }
    }

    private static JsonDocument Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    // Agent calls end when the backend is disposed, as calls to a server that went away do.
    private async Task<T> AgentCallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_disposed)
        {
            throw Problems.Disposed();
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            return await call(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && _disposed && !cancellationToken.IsCancellationRequested)
        {
            throw Problems.Disposed();
        }
    }

    // Cancelled when a script makes the approval fail, so waits on it end at once.
    private CancellationToken FailureToken(string approvalId)
    {
        lock (Gate)
        {
            if (_failures.ContainsKey(approvalId) || _disposed)
            {
                return new CancellationToken(canceled: true);
            }

            if (!_failureSignals.TryGetValue(approvalId, out var signal))
            {
                _failureSignals[approvalId] = signal = new CancellationTokenSource();
            }

            return signal.Token;
        }
    }

    private void ThrowIfFailed(string approvalId)
    {
        lock (Gate)
        {
            if (_failures.TryGetValue(approvalId, out var status))
            {
                throw Problems.ScriptedFailure(approvalId, status);
            }
        }
    }

    private void Record(CreateApprovalRequest request, string agentId, string idempotencyKey, string? approvalId, bool isReplay)
    {
        lock (Gate)
        {
            _requests.Add(new RecordedApprovalRequest
            {
                Request = request,
                AgentId = agentId,
                IdempotencyKey = idempotencyKey,
                ApprovalId = approvalId,
                IsReplay = isReplay,
                At = _time.GetUtcNow(),
            });
        }
    }
}
