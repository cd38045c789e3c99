namespace ActionGuard.Analyzers.Classification;

/// <summary>What a SQL text or a process launch does, and a short description for the diagnostic.</summary>
internal readonly struct CallClassification
{
    public CallClassification(SensitiveKind kind, string description)
    {
        Kind = kind;
        Description = description;
    }

    public SensitiveKind Kind { get; }

    public string Description { get; }
}
