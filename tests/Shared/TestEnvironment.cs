using System.Runtime.CompilerServices;

namespace ActionGuard.TestSupport;

internal static class TestEnvironment
{
    // Test hosts are many and short-lived. With configuration reload and inotify-based file watching on, each host holds
    // inotify instances, and a few parallel test runs exhaust the per-user limit (128 by default), failing hosts at
    // start. Nothing in the tests depends on reloading configuration files, so both are off for every host.
#pragma warning disable CA2255 // A test assembly's module initializer is the one place that runs before any host is built.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }
}
