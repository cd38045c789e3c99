using System.IO;
using System.Threading.Tasks;
using ActionGuard;

public class Files
{
    private readonly IActionGuard _guard;

    public Files(IActionGuard guard) => _guard = guard;

    public async Task Open(string path)
    {
        await _guard.ExecuteAsync(
            new GuardedAction(ActionKind.PermissionChange, "Files.Open"),
            ct =>
            {
                File.SetUnixFileMode(path, UnixFileMode.OtherWrite);
                return Task.CompletedTask;
            });
        await Task.Yield();
    }
}