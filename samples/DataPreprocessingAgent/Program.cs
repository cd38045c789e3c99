// The README's main command: see StoryOptions.Usage and PreprocessingStory. Exit 0 only when the story went as
// expected, so CI and tests can run it.
using DataPreprocessingAgent;

StoryOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(StoryOptions.Usage);
        return 0;
    }

    options = StoryOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    Console.Error.WriteLine(StoryOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var result = await PreprocessingStory.RunAsync(options, cancel.Token);
return result.ExitCode;
