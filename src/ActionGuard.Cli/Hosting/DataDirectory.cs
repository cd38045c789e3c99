namespace ActionGuard.Cli.Hosting;

/// <summary>Where <c>serve</c> keeps its database (and, with <c>--dev</c>, the development key) unless told otherwise.</summary>
internal static class DataDirectory
{
    /// <summary>A per-user folder: <c>~/.local/share/actionguard</c> on Linux, <c>%LOCALAPPDATA%\actionguard</c> on Windows.</summary>
    public static string Default
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return string.IsNullOrEmpty(root)
                ? Path.Combine(Environment.CurrentDirectory, "actionguard-data")
                : Path.Combine(root, "actionguard");
        }
    }
}
