using Microsoft.Playwright;

namespace ActionGuard.Server.Tests.Web;

// One headless Chromium per test class, driven by Playwright's bundled driver. The browser is the operating system's
// (Debian's chromium package); nothing is downloaded. Without it the tests fail, saying how to get it.
public sealed class BrowserFixture : ReviewFixture
{
    public const string ChromiumVariable = "ACTIONGUARD_CHROMIUM";
    public const string DefaultChromium = "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : DefaultChromium;

    public override async Task InitializeAsync()
    {
        var path = ChromiumPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{path}'. The review page's browser tests need it: install Debian's package " +
                $"(apt-get install chromium) or set {ChromiumVariable} to the browser's executable. The tests never download a browser.");
        }

        await base.InitializeAsync();

        // CI runs every test project at once on two cores: Playwright's 5-second default for expectations is too tight
        // there, while actions and navigations already wait 30 seconds.
        Assertions.SetDefaultExpectTimeout(30_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Where screenshots go: <c>artifacts/screenshots/</c> under the repository root (ignored by git).</summary>
    public static string ScreenshotPath(string name)
    {
        var root = Path.GetFullPath(Path.Combine(ActionGuard.TestSupport.SourceFiles.DirectoryOf(), "..", "..", ".."));
        var folder = Path.Combine(root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
