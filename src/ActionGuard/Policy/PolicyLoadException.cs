namespace ActionGuard.Policy;

/// <summary>A policy file or document could not be read completely; nothing of it is used.</summary>
public sealed class PolicyLoadException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="source">The file (or other source name) at fault, if known.</param>
    /// <param name="line">The 1-based line, or 0 when the problem is not at one place.</param>
    /// <param name="column">The 1-based column, or 0 when the problem is not at one place.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public PolicyLoadException(string? source, int line, int column, string problem, Exception? innerException = null)
        : base(Format(source, line, column, problem), innerException)
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Gets the file (or other source name) at fault, if known.</summary>
    public new string? Source { get; }

    /// <summary>Gets the 1-based line, or 0 when the problem is not at one place.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column (in characters), or 0 when the problem is not at one place.</summary>
    public int Column { get; }

    /// <summary>Gets what is wrong, without the position.</summary>
    public string Problem { get; }

    private static string Format(string? source, int line, int column, string problem)
    {
        var where = source ?? "policy";
        return line > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{where}({line},{column}): {problem}")
            : $"{where}: {problem}";
    }
}
