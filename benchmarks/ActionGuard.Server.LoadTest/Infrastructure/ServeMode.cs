using System.Diagnostics;
using System.Net;
using System.Runtime;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// The child process: the real server (ActionGuardServer.Create) on 127.0.0.1 with the driver's settings file, plus a
// middleware in front that counts requests in flight, times them per endpoint and serves /_load/stats. The driver
// reads memory from here so that its own 10,000 client connections do not count.
internal static class ServeMode
{
    public const string ReadyPrefix = "LISTENING ";

    public static async Task<int> RunAsync(string settingsPath)
    {
        var stats = new ServerStats();
        var app = ActionGuardServer.Create([], builder =>
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(settingsPath), optional: false);
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k =>
            {
                k.Listen(IPAddress.Loopback, 0);

                // The same server for agents speaking HTTP/2 without TLS (prior knowledge): many held requests on few
                // connections, past the per-process file-descriptor limit that one connection per request hits.
                k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);

                // Raised for the test: 10,000 held long polls are 10,000 open connections.
                k.Limits.MaxConcurrentConnections = 100_000;
                k.Limits.MaxConcurrentUpgradedConnections = 100_000;
                k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(5);
            });
            builder.Services.AddSingleton(stats);
            builder.Services.AddSingleton<IStartupFilter, StatsStartupFilter>();
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        await Console.Out.WriteLineAsync(ReadyPrefix + string.Join(' ', addresses));
        await Console.Out.FlushAsync();

        // The driver says "stop" or closes stdin (also when it dies): either way the server goes.
        await Task.Run(() =>
        {
            while (Console.In.ReadLine() is { } line && !string.Equals(line, "stop", StringComparison.Ordinal))
            {
            }
        });
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    private sealed class StatsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var stats = app.ApplicationServices.GetRequiredService<ServerStats>();
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path.Equals("/_load/stats", StringComparison.Ordinal))
                {
                    await stats.WriteAsync(context);
                    return;
                }

                var kind = ServerStats.Classify(context.Request);
                var start = Stopwatch.GetTimestamp();
                stats.Enter(kind);
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    stats.Leave(kind, Stopwatch.GetTimestamp() - start);
                }
            });
            next(app);
        };
    }
}

// Counters inside the server process: requests in flight by kind, server-side time per kind, GC and process memory.
internal sealed class ServerStats
{
    private static readonly string[] Kinds = ["create", "wait", "get", "decide", "claim", "outcome", "other"];
    private readonly long[] _active = new long[Kinds.Length];
    private readonly long[] _count = new long[Kinds.Length];
    private readonly long[] _ticks = new long[Kinds.Length];
    private readonly long[] _max = new long[Kinds.Length];

    public static int Classify(HttpRequest request)
    {
        var path = request.Path.Value ?? string.Empty;
        if (HttpMethods.IsGet(request.Method))
        {
            return path.StartsWith("/v1/approvals/", StringComparison.Ordinal) ? (request.Query.ContainsKey("wait") ? 1 : 2) : 6;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return 6;
        }

        return path switch
        {
            "/v1/approvals" => 0,
            _ when path.EndsWith("/decisions", StringComparison.Ordinal) => 3,
            _ when path.EndsWith("/claim", StringComparison.Ordinal) => 4,
            _ when path.EndsWith("/outcome", StringComparison.Ordinal) || path == "/v1/outcomes" => 5,
            _ => 6,
        };
    }

    public void Enter(int kind) => Interlocked.Increment(ref _active[kind]);

    public void Leave(int kind, long elapsed)
    {
        Interlocked.Decrement(ref _active[kind]);
        Interlocked.Increment(ref _count[kind]);
        Interlocked.Add(ref _ticks[kind], elapsed);
        long seen;
        while (elapsed > (seen = Volatile.Read(ref _max[kind])) && Interlocked.CompareExchange(ref _max[kind], elapsed, seen) != seen)
        {
        }
    }

    public async Task WriteAsync(HttpContext context)
    {
        if (context.Request.Query.ContainsKey("reset"))
        {
            for (var i = 0; i < Kinds.Length; i++)
            {
                Interlocked.Exchange(ref _count[i], 0);
                Interlocked.Exchange(ref _ticks[i], 0);
                Interlocked.Exchange(ref _max[i], 0);
            }
        }

        if (context.Request.Query.ContainsKey("gc"))
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        using var process = Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        ThreadPool.GetAvailableThreads(out _, out _);
        var endpoints = new Dictionary<string, object>();
        for (var i = 0; i < Kinds.Length; i++)
        {
            var count = Volatile.Read(ref _count[i]);
            endpoints[Kinds[i]] = new Dictionary<string, double>
            {
                ["active"] = Volatile.Read(ref _active[i]),
                ["count"] = count,
                ["meanMs"] = count == 0 ? 0 : Volatile.Read(ref _ticks[i]) * 1000.0 / Stopwatch.Frequency / count,
                ["maxMs"] = Volatile.Read(ref _max[i]) * 1000.0 / Stopwatch.Frequency,
            };
        }

        var body = new Dictionary<string, object>
        {
            ["workingSetBytes"] = process.WorkingSet64,
            ["privateBytes"] = process.PrivateMemorySize64,
            ["gcHeapBytes"] = GC.GetTotalMemory(forceFullCollection: false),
            ["gcHeapSizeBytes"] = info.HeapSizeBytes,
            ["gcCommittedBytes"] = info.TotalCommittedBytes,
            ["gcFragmentedBytes"] = info.FragmentedBytes,
            ["gcAllocatedBytes"] = GC.GetTotalAllocatedBytes(precise: false),
            ["gen0"] = GC.CollectionCount(0),
            ["gen1"] = GC.CollectionCount(1),
            ["gen2"] = GC.CollectionCount(2),
            ["gcPauseMs"] = GC.GetTotalPauseDuration().TotalMilliseconds,
            ["gcServer"] = GCSettings.IsServerGC,
            ["threads"] = process.Threads.Count,
            ["threadPoolThreads"] = ThreadPool.ThreadCount,
            ["cpuMs"] = process.TotalProcessorTime.TotalMilliseconds,
            ["endpoints"] = endpoints,
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
