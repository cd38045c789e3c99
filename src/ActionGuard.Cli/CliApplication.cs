using System.CommandLine;
using System.CommandLine.Help;
using ActionGuard.Cli.Commands;

namespace ActionGuard.Cli;

/// <summary>The <c>actionguard</c> command tree and its invocation with documented exit codes.</summary>
internal static class CliApplication
{
    public static Command CreateRootCommand(CliEnvironment environment)
    {
        // Not RootCommand: its name is the entry assembly's (ActionGuard.Cli), but users type 'actionguard'.
        var root = new Command("actionguard", "ActionGuard: run the approval backend, decide approval requests and verify the audit log.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(ServeCommand.Create(environment));
        root.Subcommands.Add(ApprovalCommands.CreateList(environment));
        root.Subcommands.Add(ApprovalCommands.CreateDecide(environment, approve: true));
        root.Subcommands.Add(ApprovalCommands.CreateDecide(environment, approve: false));
        root.Subcommands.Add(AuditCommands.Create(environment));
        root.Subcommands.Add(DevCommands.Create(environment));
        root.Subcommands.Add(PolicyCommands.Create(environment));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns one of the <see cref="ExitCodes"/>.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            var command = string.Join(' ', CommandPath(parse.CommandResult.Command));
            await environment.Error.WriteLineAsync($"Run 'actionguard {(command.Length > 0 ? command + " " : string.Empty)}--help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration { Output = environment.Out, Error = environment.Error, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await environment.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
    }

    private static List<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command c && c.Parents.Any(); symbol = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }
}
