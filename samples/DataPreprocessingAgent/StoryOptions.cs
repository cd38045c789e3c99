namespace DataPreprocessingAgent;

/// <summary>How the story runs: on an embedded backend (default) or an existing one, with a simulated or a real reviewer.</summary>
public sealed class StoryOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: dotnet run --project samples/DataPreprocessingAgent -c Release [-- options]

          (no options)          start ActionGuard.Server on 127.0.0.1 (SQLite in a temporary folder, development
                                identities) and play the whole story with a simulated reviewer
          --interactive         wait for a person to decide in the CLI or the review page instead of simulating one
          --server URL          use an existing backend instead of starting one (needs --api-key)
          --api-key KEY         the agent's API key on that backend
          --agent-id ID         the agent's id on that backend (default preprocessing-agent)
          --approver-token JWT  the simulated reviewer's token on that backend (default: ACTIONGUARD_TOKEN)
          --auditor-token JWT   a token with the auditor group, for the audit trail (default: the approver token)
          --work-dir DIR        keep the bucket folder, server data and waiting approvals in DIR instead of a
                                temporary folder (an agent restarted with the same DIR resumes its waiting requests)
          --model URL           ask an OpenAI-compatible endpoint (e.g. http://127.0.0.1:11434/v1 for Ollama) instead
                                of the scripted model; the key is OPENAI_API_KEY when set
          --model-name NAME     the model at that endpoint (default llama3.2)
        """;

    /// <summary>Gets the existing backend to use; <see langword="null"/> starts one in-process.</summary>
    public Uri? Server { get; init; }

    /// <summary>Gets the agent's API key on <see cref="Server"/>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Gets the agent's id.</summary>
    public string AgentId { get; init; } = "preprocessing-agent";

    /// <summary>Gets whether a person decides instead of the simulated reviewer.</summary>
    public bool Interactive { get; init; }

    /// <summary>Gets the simulated reviewer's token on <see cref="Server"/>.</summary>
    public string? ApproverToken { get; init; }

    /// <summary>Gets an auditor's token on <see cref="Server"/>.</summary>
    public string? AuditorToken { get; init; }

    /// <summary>Gets a folder the caller owns and keeps; <see langword="null"/> for a temporary one, deleted afterwards.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Gets where the story is told.</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>Gets an OpenAI-compatible endpoint to use as the model; <see langword="null"/> for the scripted model.</summary>
    public Uri? Model { get; init; }

    /// <summary>Gets the model's name at <see cref="Model"/>.</summary>
    public string ModelName { get; init; } = "llama3.2";

    /// <summary>Gets how long the agent waits for each decision. Default 60 s, or 15 minutes with <see cref="Interactive"/>.</summary>
    public TimeSpan? DecisionTimeout { get; init; }

    /// <summary>Parses command-line arguments.</summary>
    /// <exception cref="ArgumentException">An unknown option or a missing value; the message says which.</exception>
    public static StoryOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        environment ??= Environment.GetEnvironmentVariable;
        Uri? server = null;
        string? apiKey = null, agentId = null, approver = null, auditor = null, workDir = null, modelName = null;
        Uri? model = null;
        var interactive = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--interactive": interactive = true; break;
                case "--server":
                    var url = Value();
                    server = Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                        ? parsed
                        : throw new ArgumentException($"--server '{url}' is not an http(s) URL.");
                    break;
                case "--api-key": apiKey = Value(); break;
                case "--agent-id": agentId = Value(); break;
                case "--approver-token": approver = Value(); break;
                case "--auditor-token": auditor = Value(); break;
                case "--work-dir": workDir = Path.GetFullPath(Value()); break;
                case "--model":
                    var endpoint = Value();
                    model = Uri.TryCreate(endpoint, UriKind.Absolute, out var modelUri) && modelUri.Scheme is "http" or "https"
                        ? modelUri
                        : throw new ArgumentException($"--model '{endpoint}' is not an http(s) URL.");
                    break;
                case "--model-name": modelName = Value(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }

        if (server is null && (apiKey ?? approver ?? auditor ?? agentId) is not null)
        {
            throw new ArgumentException("--api-key, --agent-id and the tokens go with --server.");
        }

        if (server is not null)
        {
            if (string.IsNullOrEmpty(apiKey))
            {
                throw new ArgumentException("--server needs --api-key (the agent's key on that backend).");
            }

            approver ??= environment("ACTIONGUARD_TOKEN");
            if (!interactive && string.IsNullOrEmpty(approver))
            {
                throw new ArgumentException("--server needs --approver-token (or ACTIONGUARD_TOKEN) for the simulated reviewer, or --interactive to decide yourself.");
            }
        }

        return new StoryOptions
        {
            Server = server,
            ApiKey = apiKey,
            AgentId = agentId ?? "preprocessing-agent",
            Interactive = interactive,
            ApproverToken = string.IsNullOrEmpty(approver) ? null : approver,
            AuditorToken = auditor ?? (string.IsNullOrEmpty(approver) ? null : approver),
            WorkDirectory = workDir,
            Model = model,
            ModelName = modelName ?? "llama3.2",
        };
    }
}
