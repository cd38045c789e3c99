using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Tests.EndToEnd;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActionGuard.Server.Tests.Web;

// The review page in headless Chromium against the real server on Kestrel and the test OIDC provider, with a real SDK
// agent waiting on the other side.
public sealed class ReviewBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(30);

    private TestOidcProvider Provider => fixture.Provider;

    [Fact]
    public async Task An_approver_signs_in_sees_the_pending_request_approves_it_and_the_waiting_agent_runs()
    {
        await using var host = await fixture.StartServerAsync();
        await using var agent = SdkEndToEndTests.AgentServices(host);
        var ran = 0;
        var run = agent.GetRequiredService<IActionGuard>().ExecuteAsync(Export("dana"), _ =>
        {
            Interlocked.Increment(ref ran);
            return Task.FromResult("exported");
        });
        var id = await WaitForPendingAsync(host);
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await SignInAsync(page, host, "alice");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pending requests" })).ToBeVisibleAsync();
        await Expect(page.Locator("#summary")).ToHaveTextAsync("1 request is waiting for your decision.");
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Exporter.Export" });
        await Expect(link).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("review-list.png"), FullPage = true });

        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "review/" + id).AbsoluteUri);
        await Expect(page.Locator("#status")).ToHaveTextAsync("pending");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Exporter.Export");
        Assert.DoesNotContain("sk-secret-value", await page.ContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("review-detail.png"), FullPage = true });
        Assert.Equal(0, ran);

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your approval was recorded." })).ToBeVisibleAsync();
        Assert.Equal("exported", await run.WaitAsync(AgentTimeout));
        Assert.Equal(1, ran);
        await ReloadUntilStatusAsync(page, "succeeded");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Decisions, oldest first" })).ToContainTextAsync("Alice");
        await Expect(page.Locator("table.audit")).ToContainTextAsync("succeeded");
    }

    [Fact]
    public async Task Deny_needs_a_reason_and_the_agent_gets_ActionDeniedException_with_it()
    {
        await using var host = await fixture.StartServerAsync();
        await using var agent = SdkEndToEndTests.AgentServices(host);
        var run = agent.GetRequiredService<IActionGuard>().ExecuteAsync(Export("dana"), _ => Task.FromResult("exported"));
        var id = await WaitForPendingAsync(host);
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, host, "bob", "review/" + id);

        await page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        var reason = page.GetByLabel("Reason");
        await Expect(page.Locator("#reason-error")).ToHaveTextAsync("Enter a reason to deny this request. The agent and the audit log receive it.");
        await Expect(reason).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#status")).ToHaveTextAsync("pending");
        Assert.False(run.IsCompleted);

        // By keyboard: the reason field, then Tab to Approve, Tab to Deny, Enter.
        await reason.FillAsync("Wrong bucket: exports go to the EU region");
        await reason.FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Deny" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "You denied this request." })).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("denied");
        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() => run.WaitAsync(AgentTimeout));
        Assert.Equal("Wrong bucket: exports go to the EU region", denied.Reason);
    }

    [Fact]
    public async Task The_initiator_cannot_approve_their_own_request_and_it_stays_pending()
    {
        await using var host = await fixture.StartServerAsync();
        await using var agent = SdkEndToEndTests.AgentServices(host);
        using var stop = new CancellationTokenSource();
        var run = agent.GetRequiredService<IActionGuard>().ExecuteAsync(Export("dana"), _ => Task.FromResult("exported"), stop.Token);
        var id = await WaitForPendingAsync(host);
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, host, "dana");
        await Expect(page.Locator("#summary")).ToHaveTextAsync("Nothing is waiting for your decision.");

        // The link from Slack or Teams still opens the request; the rule is enforced when deciding.
        await page.GotoAsync(new Uri(host.BaseAddress, "review/" + id).AbsoluteUri);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("Self-approval is not allowed");
        await Expect(alert).ToContainTextAsync("You cannot approve or deny this request because you initiated it.");
        await Expect(alert).ToContainTextAsync("Nothing was changed.");
        await Expect(page.Locator("#status")).ToHaveTextAsync("pending");
        var record = await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default);
        Assert.Equal(ApprovalStatus.Pending, record!.Status);
        Assert.Empty(record.Decisions);
        Assert.False(run.IsCompleted);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(AgentTimeout));
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_goes_to_the_identity_provider_and_back_to_the_page_asked_for()
    {
        await using var host = await fixture.StartServerAsync();
        using var api = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(api);
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, "review/" + id).AbsoluteUri);

        Assert.StartsWith(Provider.Issuer + "/authorize?", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Username").FillAsync("alice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "review/" + id).AbsoluteUri);
        await Expect(page.Locator("#status")).ToHaveTextAsync("pending");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Account" })).ToContainTextAsync("Signed in as Alice");
    }

    [Fact]
    public async Task A_callback_with_a_tampered_state_is_refused_and_nobody_is_signed_in()
    {
        await using var host = await fixture.StartServerAsync();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(host.BaseAddress, "review").AbsoluteUri);
        Assert.StartsWith(Provider.Issuer + "/authorize?", page.Url, StringComparison.Ordinal);

        var response = await page.GotoAsync(new Uri(host.BaseAddress, "review/callback?code=forged&state=tampered").AbsoluteUri);

        Assert.Equal(400, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in failed" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not match this sign-in");
        await page.GotoAsync(new Uri(host.BaseAddress, "review").AbsoluteUri);
        Assert.StartsWith(Provider.Issuer + "/authorize?", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_laden_action_name_is_shown_as_text_and_never_runs()
    {
        await using var host = await fixture.StartServerAsync();
        using var api = host.CreateClient(ServerHost.AgentKey);
        const string Evil = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
        var id = await Api.CreatePendingAsync(api, Api.Body(name: Evil));
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) => { Interlocked.Increment(ref dialogs); _ = dialog.DismissAsync(); };
        await SignInAsync(page, host, "alice");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = Evil })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = Evil }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "review/" + id).AbsoluteUri);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Review request: " + Evil);
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task An_auditor_searches_the_history_and_reads_the_audit_view_with_its_charts()
    {
        await using var host = await fixture.StartServerAsync();
        using var api = host.CreateClient(ServerHost.AgentKey);
        var denied = await Api.CreatePendingAsync(api, Api.Body(name: "Ledger.Export", destination: "s3://partner-drop/ledger.csv"));
        await Api.CreatePendingAsync(api, Api.Body(kind: "permission_change", name: "Roles.Grant"));
        await Api.CreatePendingAsync(api, Api.Body(kind: "infrastructure_mutation", name: "Cluster.Scale"));
        await host.Services.GetRequiredService<ApprovalService>().ExpireNowAsync(denied, default);
        Provider.SetGroups("erin", "actionguard-auditors");
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, host, "erin");

        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await page.GetByLabel("Search").FillAsync("partner-drop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.Locator("#summary")).ToHaveTextAsync("1 request matches.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ledger.Export" })).ToBeVisibleAsync();
        await Expect(page.Locator("table.requests")).ToContainTextAsync("expired");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("review-history.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The audit log verifies" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Requests per day by kind, last 14 days" })).ToBeVisibleAsync();
        Assert.Equal(5, await page.Locator("figure.chart").CountAsync());
        // Nothing was decided yet, so the rule and time-to-decision charts say so instead of drawing empty axes.
        await Expect(page.Locator("#by-rule")).ToContainTextAsync("Nothing to chart yet.");
        // Today's bar has one part per kind requested today.
        Assert.Equal(3, await page.Locator("#per-day svg rect[fill] title").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("review-audit.png"), FullPage = true });
    }

    [Fact]
    public async Task The_open_list_and_detail_pages_update_themselves_when_requests_arrive_or_are_decided()
    {
        await using var host = await fixture.StartServerAsync();
        using var api = host.CreateClient(ServerHost.AgentKey);
        var first = await Api.CreatePendingAsync(api, Api.Body(name: "First.Export"));
        await using var context = await fixture.Browser.NewContextAsync();
        var list = await context.NewPageAsync();
        await SignInAsync(list, host, "alice");
        await Expect(list.Locator("#summary")).ToHaveTextAsync("1 request is waiting for your decision.");
        var detail = await context.NewPageAsync();
        await detail.GotoAsync(new Uri(host.BaseAddress, "review/" + first).AbsoluteUri);
        await Expect(detail.Locator("#status")).ToHaveTextAsync("pending");
        await list.EvaluateAsync("() => { window.__notReloaded = true; }");

        await Api.CreatePendingAsync(api, Api.Body(name: "Second.Export"));
        await host.Services.GetRequiredService<ApprovalService>().ExpireNowAsync(first, default);

        await Expect(list.GetByRole(AriaRole.Link, new() { Name = "Second.Export" })).ToBeVisibleAsync();
        await Expect(list.Locator("#summary")).ToHaveTextAsync("1 request is waiting for your decision.");
        Assert.True(await list.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        await Expect(detail.Locator("#status")).ToHaveTextAsync("expired");
    }

    private GuardedAction Export(string initiator) => new(ActionKind.DataExport, "Exporter.Export")
    {
        Resource = "crm://customers",
        Destination = "s3://exports/q3.csv",
        Justification = "Quarterly revenue report for the finance team",
        Initiator = new ApprovalParty { Issuer = Provider.Issuer, Subject = initiator, Name = "Dana Initiator" },
        Arguments = [new ActionArgument("segment", "emea"), new ActionArgument("apiKey", "sk-secret-value", IsSensitive: true)],
    };

    private static async Task SignInAsync(IPage page, ServerHost host, string user, string path = "review")
    {
        await page.GotoAsync(new Uri(host.BaseAddress, path).AbsoluteUri);
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, path).AbsoluteUri);
    }

    private static async Task<string> WaitForPendingAsync(ServerHost host)
    {
        var service = host.Services.GetRequiredService<ApprovalService>();
        for (var i = 0; i < 400; i++)
        {
            var page = await service.ListAsync(ApprovalStatus.Pending, null, 10, default);
            if (page.Items.Count > 0)
            {
                return page.Items[0].Id;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The agent's request did not arrive.");
    }

    private static async Task ReloadUntilStatusAsync(IPage page, string status)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await page.Locator("#status").TextContentAsync() == status)
            {
                return;
            }

            await Task.Delay(100);
            await page.ReloadAsync();
        }

        await Expect(page.Locator("#status")).ToHaveTextAsync(status);
    }
}
