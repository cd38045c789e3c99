namespace ActionGuard.Cli.Hosting;

/// <summary>What <c>serve</c> was asked for; <see cref="ServerArguments"/> go to the server's configuration unchanged.</summary>
internal sealed record ServeSettings(string Urls, string? DataDirectory, bool Dev, IReadOnlyList<string> ServerArguments);
