using System.Text.Json.Nodes;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActionGuard.Server.Tests.Development;

// Development mode in headless Chromium: a person signs in on the development form and approves a pending request.
public sealed class DevelopmentSignInBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_person_signs_in_on_the_development_form_and_approves_a_pending_request()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var agent = new HttpClient { BaseAddress = server.BaseAddress };
        agent.DefaultRequestHeaders.Authorization = new("Bearer", ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: new JsonObject { ["subject"] = "dana", ["issuer"] = server.Issuer }));
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(server.BaseAddress, "review/" + id).AbsoluteUri);

        Assert.StartsWith(server.Issuer + "/authorize?", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Development sign-in");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "DEVELOPMENT ONLY — not an identity provider" })).ToBeVisibleAsync();
        await Expect(page.Locator("#dev-mode")).ToBeVisibleAsync();
        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel(DevelopmentServer.ApproverGroup).CheckAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("dev-sign-in.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, "review/" + id).AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Account" })).ToContainTextAsync("Signed in as alice");
        await Expect(page.Locator("#dev-mode")).ToContainTextAsync("Development mode");
        await Expect(page.Locator("#status")).ToHaveTextAsync("pending");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your approval was recorded." })).ToBeVisibleAsync();
        var record = await server.Services.GetRequiredService<ApprovalService>().GetAsync(id, default);
        Assert.Equal(ApprovalStatus.Approved, record!.Status);
        var decision = Assert.Single(record.Decisions);
        Assert.Equal("alice", decision.Approver.Subject);
        Assert.Equal(server.Issuer, decision.Approver.Issuer);
    }
}
