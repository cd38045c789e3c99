using ActionGuard.Client;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// Requests kept waiting on the server: each is created, then long-polled (and polled again when a poll times out, as
// an agent does) until this is disposed.
internal sealed class HeldPolls : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _polls = [];
    private int _failures;

    public int Created { get; private set; }

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Creates requests until <paramref name="target"/> are held, at most <paramref name="concurrency"/> creates at once.</summary>
    public async Task GrowToAsync(Harness harness, int target, int concurrency, int waitSeconds, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var creates = new List<Task>(Math.Max(target - Created, 0));
        for (var i = Created; i < target; i++)
        {
            await gate.WaitAsync(cancellationToken);
            var agent = harness.Agents[i % harness.Agents.Count];
            creates.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        var approval = await agent.CreateApprovalAsync(Harness.NewRequest(), Harness.NewIdempotencyKey(), cancellationToken);
                        lock (_polls)
                        {
                            _polls.Add(PollAsync(agent, approval.Id, waitSeconds, _stop.Token));
                        }
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref _failures);
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                CancellationToken.None));
        }

        await Task.WhenAll(creates);
        Created = Math.Max(Created, target);
    }

    /// <summary>Waits (up to a minute) until the server holds every created poll; returns how many it holds.</summary>
    public async Task<long> HeldByServerAsync(Harness harness, CancellationToken cancellationToken)
    {
        long waiting = 0;
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var stats = await harness.Server.StatsAsync(cancellationToken: cancellationToken);
            waiting = (long)stats["endpoints"]!["wait"]!["active"]!.GetValue<double>();
            if (waiting >= Created - Failures)
            {
                break;
            }

            await Task.Delay(250, cancellationToken);
        }

        return waiting;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] all;
        lock (_polls)
        {
            all = [.. _polls];
        }

        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private static async Task PollAsync(ApprovalClient agent, string id, int waitSeconds, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var approval = await agent.GetApprovalAsync(id, TimeSpan.FromSeconds(waitSeconds), cancellationToken);
                if (approval.Status != ApprovalStatus.Pending)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or ActionGuardException)
        {
            Console.Error.WriteLine($"poll {id}: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
