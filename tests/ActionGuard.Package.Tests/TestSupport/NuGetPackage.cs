using System.IO.Compression;
using System.Xml.Linq;

namespace ActionGuard.Package.Tests.TestSupport;

/// <summary>A .nupkg or .snupkg opened for reading: its entries and its nuspec metadata.</summary>
internal sealed class NuGetPackage : IDisposable
{
    private readonly ZipArchive _zip;

    public NuGetPackage(string path)
    {
        Path = path;
        _zip = ZipFile.OpenRead(path);
        Entries = _zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();
        var nuspec = _zip.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        Metadata = document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    public string Path { get; }

    public IReadOnlyList<string> Entries { get; }

    /// <summary>The nuspec's <c>metadata</c> element.</summary>
    public XElement Metadata { get; }

    public string Listing => string.Join('\n', Entries);

    public string? Value(string element) => Element(element)?.Value;

    public XElement? Element(string element) => Metadata.Elements().SingleOrDefault(e => e.Name.LocalName == element);

    public IEnumerable<XElement> Descendants(string element) => Metadata.Descendants().Where(e => e.Name.LocalName == element);

    public byte[] Read(string entry)
    {
        var zipEntry = _zip.GetEntry(entry) ?? throw new InvalidOperationException($"{System.IO.Path.GetFileName(Path)} has no {entry}:\n{Listing}");
        using var stream = zipEntry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Parses an XML entry; the reader honours a byte-order mark, which decoding to a string would keep.</summary>
    public XDocument ReadXml(string entry)
    {
        using var stream = new MemoryStream(Read(entry));
        return XDocument.Load(stream);
    }

    public void Dispose() => _zip.Dispose();
}
