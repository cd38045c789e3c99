namespace DataPreprocessingAgent.Agent;

/// <summary>What an export wrote.</summary>
/// <param name="Path">The file in the bucket folder.</param>
/// <param name="Bytes">Its length.</param>
public sealed record ExportReceipt(string Path, long Bytes);
