namespace DataPreprocessingAgent.Agent;

/// <summary>The bundled dataset: a small CSV of customers with personal data (all of it fictitious).</summary>
public static class CustomerFile
{
    /// <summary>The file's name, as the agent refers to it.</summary>
    public const string FileName = "customers.csv";

    /// <summary>Gets the path of the copy next to the program.</summary>
    public static string PathOnDisk => Path.Combine(AppContext.BaseDirectory, "data", FileName);

    /// <summary>Reads the rows, column name to cell. The file has no quoted fields.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> ReadRows(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        return
        [
            .. lines.Skip(1).Select(line =>
            {
                var cells = line.Split(',');
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < header.Length; i++)
                {
                    row[header[i]] = i < cells.Length && cells[i].Length > 0 ? cells[i] : null;
                }

                return (IReadOnlyDictionary<string, object?>)row;
            }),
        ];
    }
}
