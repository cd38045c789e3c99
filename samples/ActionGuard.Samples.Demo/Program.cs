// ActionGuard end-to-end demo: an agent calls guarded tools; a human approver (played by this program) reviews each
// request on an embedded approval backend. The demo checks what it shows and exits non-zero if anything is off.
using System.Text.Json;
using ActionGuard;
using ActionGuard.Client;
using ActionGuard.Samples.Demo;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;

var failures = new List<string>();
void Expect(bool condition, string what)
{
    Console.WriteLine(condition ? $"   ✓ {what}" : $"   ✗ {what}");
    if (!condition)
    {
        failures.Add(what);
    }
}

using var backend = new InMemoryApprovalBackend();
var services = new ServiceCollection();
services.AddActionGuard(o =>
{
    o.AgentId = "billing-agent";
    o.Environment = "staging";
})
.UseInMemoryBackend(backend)
.AddGuardedScoped<ICloudTools, CloudTools>();

await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
await using var scope = provider.CreateAsyncScope();
var tools = scope.ServiceProvider.GetRequiredService<ICloudTools>();
var dana = TestIdentities.Person("dana@example.com");
using var initiator = ActionInitiator.Begin(dana);
using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
var ct = cts.Token;

Console.WriteLine("ActionGuard demo — agent 'billing-agent' acting for dana@example.com\n");

// 1. A data export: the reviewer sees a redacted card, dana cannot approve her own request, alice approves.
Console.WriteLine("1. Export customers to S3 (needs a human)");
var reviewer = Task.Run(async () =>
{
    var request = await backend.WaitForRequestAsync(cancellationToken: ct);
    PrintReviewCard(request);
    try
    {
        await backend.ApproveAsync(request.Id, dana, "looks fine to me", ct);
        Console.WriteLine("   dana tried to approve her own request: accepted?!");
    }
    catch (ApprovalRequestRejectedException ex)
    {
        Console.WriteLine($"   dana tried to approve her own request: refused ({(int)ex.StatusCode}, {ex.ProblemType})");
    }

    await backend.ApproveAsync(request.Id, TestIdentities.Person("alice@example.com"), "approved for the churn analysis", ct);
    Console.WriteLine("   alice@example.com approved");
    return request;
}, ct);
var exported = await tools.ExportCustomersAsync("emea", "analytics-exports", "churn/q3.csv", "crm_live_9f8a7b6c5d4e3f2a1b0c", ct);
var reviewed = await reviewer;
Expect(exported == 1204, "the export ran once, after alice's approval");
Expect(!JsonSerializer.Serialize(reviewed.Arguments).Contains("crm_live", StringComparison.Ordinal), "the [Sensitive] API key never reached the backend");
Expect(backend.Outcomes.TryGetValue(reviewed.Id, out var outcome) && outcome.Status == OutcomeStatus.Succeeded, "the outcome 'succeeded' was reported");

// 2. A permission change in prod: bob denies with a reason; the tool never runs.
Console.WriteLine("\n2. Grant 'admin' in prod (bob denies)");
backend.When(a => a.Action.Kind == ActionKind.PermissionChange)
       .RespondWith(ApprovalScript.Deny("bob@example.com", "admin grants need a change ticket"));
try
{
    await tools.GrantRoleAsync("mallory@example.com", "admin", ct);
    Expect(false, "the grant was denied");
}
catch (ActionDeniedException ex)
{
    Console.WriteLine($"   {ex.GetType().Name}: denied by {ex.DeniedBy?.Subject}: {ex.Reason}");
    Expect(ex.DeniedBy?.Subject == "bob@example.com", "the denial says who and why");
}

// 3. An infrastructure change nobody answers: the agent gives up after its timeout and withdraws the request.
Console.WriteLine("\n3. Scale a prod deployment (nobody answers within 2 s)");
try
{
    await tools.ScaleAsync("checkout", 40, ct);
    Expect(false, "the scale-out timed out");
}
catch (ApprovalTimeoutException ex)
{
    Console.WriteLine($"   {ex.GetType().Name}: {ex.Message}");
    Expect(backend.Approvals.Any(a => a.Id == ex.ApprovalId && a.Status == ApprovalStatus.Cancelled), "the request was withdrawn on the backend");
}

// 4. A forged approval: the backend's token names other arguments; the SDK refuses to run.
Console.WriteLine("\n4. Export again, but the decision token is for other arguments (tampered)");
backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
backend.OnIssuingToken(claims => claims.ActionHash = "sha256:" + new string('0', 64));
try
{
    await tools.ExportCustomersAsync("emea", "public-bucket", "all.csv", "crm_live_9f8a7b6c5d4e3f2a1b0c", ct);
    Expect(false, "the tampered approval was refused");
}
catch (ApprovalVerificationException ex)
{
    Console.WriteLine($"   {ex.GetType().Name} ({ex.Check}): {ex.Message}");
    Expect(ex.Check == VerificationCheck.ActionHash, "the SDK refused a token bound to other arguments");
}

var succeeded = backend.Outcomes.Count(o => o.Value.Status == OutcomeStatus.Succeeded);
Console.WriteLine($"\nApproved actions that ran: {succeeded} of {backend.Requests.Count} requests");
Expect(succeeded == 1, "only the one verified approval ran an action");
Console.WriteLine("\nAudit trail (backend transitions):");
foreach (var transition in backend.Transitions)
{
    Console.WriteLine($"   {transition.At:HH:mm:ss.fff}  {transition}");
}

Console.WriteLine(failures.Count == 0 ? "\nDemo finished: every guarantee shown held." : $"\nDemo FAILED: {string.Join("; ", failures)}");
return failures.Count == 0 ? 0 : 1;

static void PrintReviewCard(Approval request)
{
    Console.WriteLine($"   ┌ review {request.Id}: {request.Action.Kind} {request.Action.Name}");
    Console.WriteLine($"   │ initiator   {request.Initiator?.Subject}   agent {request.AgentId}   env {request.Action.Environment}");
    Console.WriteLine($"   │ resource    {request.Action.Resource}");
    Console.WriteLine($"   │ destination {request.Action.Destination}");
    foreach (var (name, value) in request.Arguments ?? new Dictionary<string, JsonElement>())
    {
        Console.WriteLine($"   │ {name,-11} {value.GetRawText()}");
    }

    if (request.DataClasses is { Count: > 0 } classes)
    {
        Console.WriteLine($"   │ data        {string.Join(", ", classes.Select(c => $"{c.Value} × {c.Key}"))}");
    }

    Console.WriteLine($"   └ why: {request.Justification}");
}
