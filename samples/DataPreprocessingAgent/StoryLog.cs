using Microsoft.Extensions.Logging;

namespace DataPreprocessingAgent;

/// <summary>
/// Tells the story's reader when the agent picks up a request its earlier run left waiting (the guard's
/// <c>ApprovalAdopted</c> event), so a restart is visible; every other log event stays quiet.
/// </summary>
public sealed class StoryLog(StoryConsole console) : ILoggerProvider, ILogger
{
    private const string Adopted = "ApprovalAdopted";

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (eventId.Name == Adopted)
        {
            console.Line("resumed: " + formatter(state, exception));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
