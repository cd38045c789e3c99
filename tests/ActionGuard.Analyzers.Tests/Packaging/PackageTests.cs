using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace ActionGuard.Analyzers.Tests.Packaging;

/// <summary>
/// Packs ActionGuard to a temporary folder, restores it into a fresh project with an unguarded export, and builds that
/// project the way CI would. Restore uses only that folder and the repository's own NuGet source.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-pack-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _version = "0.0.0-pack." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
            var cached = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "actionguard", _version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    [Trait("Category", "Packaging")]
    public async Task Packed_analyzer_fails_a_warnaserror_build_with_AG0001_and_writes_it_to_SARIF()
    {
        var repo = FindRepositoryRoot();
        var feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        var app = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;

        var pack = await RunAsync(repo, "pack", Path.Combine(repo, "src", "ActionGuard", "ActionGuard.csproj"), "-c", "Release", "-o", feed, $"-p:Version={_version}");
        Assert.True(pack.ExitCode == 0, pack.Output);

        var package = Path.Combine(feed, $"ActionGuard.{_version}.nupkg");
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("analyzers/dotnet/cs/ActionGuard.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/ActionGuard.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("buildTransitive/ActionGuard.props", entries);
            using var props = new StreamReader(zip.GetEntry("buildTransitive/ActionGuard.props")!.Open());
            var text = await props.ReadToEndAsync();
            Assert.Contains("CS9057", text, StringComparison.Ordinal);
            Assert.Contains("CS8032", text, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), NuGetConfig(repo, feed));
        await File.WriteAllTextAsync(Path.Combine(app, "Agent.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActionGuard" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Agent.cs"), """
            namespace Amazon.S3
            {
                public interface IAmazonS3 { Task PutObjectAsync(object request, CancellationToken cancellationToken = default); }
            }

            namespace Agent
            {
                public sealed class Exporter(Amazon.S3.IAmazonS3 s3)
                {
                    public Task ExportAsync(object request) => s3.PutObjectAsync(request);
                }
            }
            """);

        var sarif = Path.Combine(app, "build.sarif");
        var build = await RunAsync(app, "build", "-c", "Release", "-warnaserror", $"-p:ErrorLog={sarif}");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error AG0001", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CS9057", build.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(sarif), "No SARIF log was written.\n" + build.Output);
        var log = await File.ReadAllTextAsync(sarif);
        Assert.Contains("\"AG0001\"", log, StringComparison.Ordinal);
        Assert.Contains("docs/rules/AG0001.md", log, StringComparison.Ordinal);
    }

    private static string NuGetConfig(string repo, string feed)
    {
        // Only the local feed and the sources the repository itself configures.
        var sources = XDocument.Load(Path.Combine(repo, "nuget.config")).Descendants("packageSources").Elements("add")
            .Select(e => (Key: (string)e.Attribute("key")!, Value: (string)e.Attribute("value")!)).ToList();
        var adds = string.Join("\n", sources.Select(s => $"    <add key=\"{s.Key}\" value=\"{s.Value}\" />"));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
            {adds}
              </packageSources>
            </configuration>
            """;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActionGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ActionGuard.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
