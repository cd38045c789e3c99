using ActionGuard.Cli;

return await CliApplication.InvokeAsync(args, CliEnvironment.FromConsole()).ConfigureAwait(false);
