namespace DataPreprocessingAgent;

/// <summary>Compact sectioned console output, and the story's own checks: each one is printed and remembered.</summary>
public sealed class StoryConsole(TextWriter output, int sections)
{
    private readonly List<string> _failures = [];
    private int _section;

    /// <summary>Gets the checks that failed.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Starts the next section.</summary>
    public void Section(string title)
    {
        _section++;
        output.WriteLine();
        output.WriteLine($"[{_section}/{sections}] {title}");
    }

    /// <summary>Writes one indented line.</summary>
    public void Line(string text = "") => output.WriteLine(text.Length == 0 ? string.Empty : "  " + text);

    /// <summary>Writes an unindented line.</summary>
    public void Raw(string text) => output.WriteLine(text);

    /// <summary>Records and prints a check.</summary>
    public bool Check(bool condition, string what)
    {
        output.WriteLine(condition ? $"  ✓ {what}" : $"  ✗ {what}");
        if (!condition)
        {
            _failures.Add(what);
        }

        return condition;
    }

    /// <summary>Records a failure that has no check line of its own.</summary>
    public void Fail(string what)
    {
        output.WriteLine($"  ✗ {what}");
        _failures.Add(what);
    }
}
