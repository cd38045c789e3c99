// Not meant to run: this project exists to show the analyzer failing a CI build (see the .csproj), and its fix.
using UnguardedAgent;

Console.WriteLine($"{nameof(CleanupTools)} builds: every sensitive call in it is guarded.");
_ = new LocalObjectStore(Path.GetTempPath());
