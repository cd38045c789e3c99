using System.Diagnostics;
using ActionGuard.Server.LoadTest;
using ActionGuard.Server.LoadTest.Infrastructure;
using ActionGuard.Server.LoadTest.Scenarios;
using ActionGuard.TestSupport;

// dotnet run -c Release --project benchmarks/ActionGuard.Server.LoadTest -- [--scenarios waiting,cycles,wake,allowed] ...
// The same program is the server child: --serve <settings.json>.
if (args is ["--serve", var settings])
{
    return await ServeMode.RunAsync(settings);
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(options.MaxSeconds));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cap.Cancel();
};

var report = new Report();
var clock = Stopwatch.StartNew();
report.LoadAverages.Add("start " + Report.LoadAverage());
var failed = false;
await using (var issuer = await TestOidcIssuer.StartAsync())
{
    async Task RunAsync(string name, int agents, Func<Harness, Task> scenario)
    {
        if (!options.Scenarios.Contains(name) || cap.IsCancellationRequested)
        {
            return;
        }

        Console.WriteLine($"== {name} (load average {Report.LoadAverage()})");
        await using var harness = await Harness.StartAsync(issuer, agents, options, cap.Token);
        Console.WriteLine($"server pid {harness.Server.Id} at {harness.Server.BaseAddress}");
        report.ServerGc ??= (await harness.Server.StatsAsync(cancellationToken: cap.Token))["gcServer"]!.GetValue<bool>();
        try
        {
            await scenario(harness);
        }
        catch (OperationCanceledException) when (cap.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{name}: stopped by the {options.MaxSeconds} s time cap.");
            failed = true;
        }

        report.LoadAverages.Add($"after {name} " + Report.LoadAverage());
    }

    await RunAsync("waiting", options.Agents, async h => report.Waiting = await WaitingScenario.RunAsync(h, options, cap.Token));
    await RunAsync("cycles", Math.Max(options.Agents, options.CycleAgents), async h =>
    {
        report.Cycles = await CyclesScenario.RunCyclesAsync(h, options, cap.Token);
        if (options.DecisionBurst > 0)
        {
            report.Burst = await CyclesScenario.RunDecisionBurstAsync(h, options, cap.Token);
        }
    });
    await RunAsync("wake", options.Agents, async h => report.Wake = await WakeScenario.RunAsync(h, options, cap.Token));
    await RunAsync("allowed", options.Agents, async h => report.Allowed = await AllowedScenario.RunAsync(h, options, cap.Token));
}

var text = report.Render(options, clock.Elapsed);
Console.WriteLine();
Console.WriteLine(text);
var output = Path.GetFullPath(options.Output);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, text);
Console.WriteLine($"Report written to {output}");
return failed ? 1 : 0;
