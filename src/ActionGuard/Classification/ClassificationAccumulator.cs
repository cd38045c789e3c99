namespace ActionGuard.Classification;

/// <summary>Counts findings per class and keeps a few distinct masked samples of each.</summary>
internal sealed class ClassificationAccumulator : IFindingSink
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly int _maxSamples;

    public ClassificationAccumulator(int maxSamples) => _maxSamples = Math.Max(0, maxSamples);

    /// <summary>Gets or sets whether samples are kept; off for values that must never leave the process, not even masked.</summary>
    public bool KeepSamples { get; set; } = true;

    public long CharactersScanned { get; set; }

    public void Found(string dataClass, double confidence, ReadOnlySpan<char> text, int start, int length)
    {
        if (!_entries.TryGetValue(dataClass, out var entry))
        {
            entry = new Entry();
            _entries.Add(dataClass, entry);
        }

        entry.Count++;
        entry.Confidence = Math.Max(entry.Confidence, confidence);
        if (KeepSamples && length > 0 && entry.Samples.Count < _maxSamples)
        {
            string masked = SampleMasker.Mask(dataClass, text.Slice(start, length));
            if (!entry.Samples.Contains(masked))
            {
                entry.Samples.Add(masked);
            }
        }
    }

    /// <summary>Adds another result's findings, as when one action carries several payloads.</summary>
    public void Add(DataClassificationResult result, bool keepSamples)
    {
        CharactersScanned += result.CharactersScanned;
        foreach (var finding in result.Findings)
        {
            if (!_entries.TryGetValue(finding.DataClass, out var entry))
            {
                entry = new Entry();
                _entries.Add(finding.DataClass, entry);
            }

            entry.Count += finding.Count;
            entry.Confidence = Math.Max(entry.Confidence, finding.Confidence);
            if (!keepSamples)
            {
                continue;
            }

            foreach (string sample in finding.Samples)
            {
                if (entry.Samples.Count < _maxSamples && !entry.Samples.Contains(sample))
                {
                    entry.Samples.Add(sample);
                }
            }
        }
    }

    public DataClassificationResult ToResult()
    {
        if (_entries.Count == 0)
        {
            return CharactersScanned == 0 ? DataClassificationResult.Empty : new DataClassificationResult([], CharactersScanned);
        }

        var findings = new DataClassFinding[_entries.Count];
        int i = 0;
        foreach (var (name, entry) in _entries)
        {
            findings[i++] = new DataClassFinding(name, Math.Round(entry.Confidence, 2), entry.Count, entry.Samples.ToArray());
        }

        Array.Sort(findings, static (a, b) => string.CompareOrdinal(a.DataClass, b.DataClass));
        return new DataClassificationResult(findings, CharactersScanned);
    }

    private sealed class Entry
    {
        public long Count;
        public double Confidence;
        public readonly List<string> Samples = [];
    }
}
