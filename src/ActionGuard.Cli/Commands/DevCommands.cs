using System.CommandLine;
using System.Globalization;
using ActionGuard.Server.Development;
using ActionGuard.Cli.Hosting;

namespace ActionGuard.Cli.Commands;

/// <summary><c>dev token</c>: approver tokens from the development issuer of <c>serve --dev</c>.</summary>
internal static class DevCommands
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public static Command Create(CliEnvironment environment)
    {
        var subject = new Option<string>("--subject") { Description = "The person's subject (sub), e.g. alice.", Required = true };
        var groups = new Option<string[]>("--group") { Description = "A group of the person; repeat for more (the audit commands need the server's auditor group, by default actionguard-auditors).", AllowMultipleArgumentsPerToken = false };
        var name = new Option<string?>("--name") { Description = "Display name (name claim)." };
        var email = new Option<string?>("--email") { Description = "Email (email claim)." };
        var lifetime = new Option<TimeSpan>("--lifetime") { Description = "How long the token is valid, at most 24:00:00.", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
        lifetime.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<TimeSpan>();
            if (value <= TimeSpan.Zero || value > MaxLifetime)
            {
                r.AddError("--lifetime must be more than zero and at most 24:00:00.");
            }
        });
        var dataDirectory = new Option<string?>("--data-dir") { Description = "The data folder of 'serve --dev'. Default: " + DataDirectory.Default + "." };
        subject.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || ApprovalParty.IsPolicySubject(value))
            {
                r.AddError("--subject must be a non-empty name that does not start with 'policy:'.");
            }
        });

        var token = new Command("token", "Print an approver token from the development issuer (needs a data folder that 'serve --dev' has used).");
        token.Options.Add(subject);
        token.Options.Add(groups);
        token.Options.Add(name);
        token.Options.Add(email);
        token.Options.Add(lifetime);
        token.Options.Add(dataDirectory);
        token.SetAction(async (parse, cancellationToken) =>
        {
            var folder = Path.GetFullPath(parse.GetValue(dataDirectory) ?? DataDirectory.Default);
            using var issuer = TryLoad(folder) ?? throw new CliException(
                ExitCodes.Usage,
                $"error: no development issuer in {folder}. Development tokens exist only for a server started with 'actionguard serve --dev'" +
                " (use the same --data-dir).");
            var jwt = issuer.MintToken(
                parse.GetValue(subject)!,
                parse.GetValue(groups) ?? [],
                parse.GetValue(name),
                parse.GetValue(email),
                environment.TimeProvider.GetUtcNow(),
                parse.GetValue(lifetime));
            await environment.Out.WriteLineAsync(jwt.AsMemory(), cancellationToken).ConfigureAwait(false);
            await environment.Error.WriteLineAsync($"Development token for '{parse.GetValue(subject)}' from {issuer.Issuer}, valid {parse.GetValue(lifetime).ToString("c", CultureInfo.InvariantCulture)}. Only a server started with --dev accepts it.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });

        var dev = new Command("dev", "Development mode helpers (INSECURE, for first run and demos only).");
        dev.Subcommands.Add(token);
        return dev;
    }

    private static DevelopmentIssuer? TryLoad(string folder)
    {
        try
        {
            return DevelopmentIssuer.TryLoad(folder);
        }
        catch (InvalidDataException ex)
        {
            throw new CliException(ExitCodes.Refused, $"error: {ex.Message} Delete it and start 'actionguard serve --dev' again.");
        }
    }
}
