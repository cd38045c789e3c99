using ActionGuard.PendingApprovals;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Tests.PendingApprovals;

public sealed class PendingApprovalOptionsTests : IDisposable
{
    private readonly InMemoryApprovalBackend _backend = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ag-pending-options", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _backend.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_file_system_store_without_a_directory_fails_at_start_naming_the_option()
    {
        using var provider = Build(o => { });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PendingApprovalOptions>>().Value);
        Assert.Contains("ActionGuard:PendingApprovals:Directory is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_the_wrong_length_fails_at_start_naming_the_option_and_its_length()
    {
        using var provider = Build(o =>
        {
            o.Directory = _directory;
            o.Key = new byte[16];
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PendingApprovalOptions>>().Value);
        Assert.Contains("ActionGuard:PendingApprovals:Key must be 32 bytes; it is 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_file_is_created_on_first_use_with_32_random_bytes_readable_by_the_owner_only()
    {
        using var provider = Build(o => o.Directory = _directory);

        Assert.NotNull(provider.GetRequiredService<IActionGuard>());

        var file = Path.Combine(_directory, PendingApprovalOptions.DefaultKeyFileName);
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file).Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_key_file_others_can_read_is_refused_naming_the_file()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "agent.key");
        File.WriteAllText(file, Convert.ToBase64String(new byte[32]));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        using var provider = Build(o =>
        {
            o.Directory = _directory;
            o.KeyFile = file;
        });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IActionGuard>());
        Assert.Contains($"'{file}' can be read or written by others (mode 604)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_key_file_is_refused_naming_the_file_and_line()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "agent.key");
        File.WriteAllText(file, "not base64 at all!");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        using var provider = Build(o =>
        {
            o.Directory = _directory;
            o.KeyFile = file;
        });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IActionGuard>());
        Assert.Contains($"'{file}' is not base64 (line 1)", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Build(Action<PendingApprovalOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "agent").UseInMemoryBackend(_backend).AddPendingApprovals(configure);
        return services.BuildServiceProvider();
    }
}
