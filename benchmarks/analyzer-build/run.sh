#!/usr/bin/env bash
# Build-time benchmark of the ActionGuard analyzer.
#
# Generates an agent codebase of FILES files (~150 lines each; 1,000 files ≈ 150k lines) outside the repository, packs
# ActionGuard to a local feed, and times `dotnet build --no-incremental` of the same code in three variants:
#   none    ActionGuard package with its analyzer removed from the compilation
#   ag      ActionGuard package with its analyzer
#   banned  analyzer excluded, Microsoft.CodeAnalysis.BannedApiAnalyzers given the built-in catalog's IDs instead
# and reports the analyzers' own time from -p:ReportAnalyzer=true.
#
# Usage: [VARIANTS="none ag banned"] benchmarks/analyzer-build/run.sh [FILES=1000] [RUNS=3]
set -euo pipefail

FILES="${1:-1000}"
RUNS="${2:-3}"
BANNED_VERSION="${BANNED_VERSION:-5.6.0}"   # 4.14.0 is not served by the feed; 5.6.0 is the nearest that restores
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ag-bench.XXXXXX")}"
VERSION="0.0.0-bench.$(date +%s)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "work: $WORK, files: $FILES, runs: $RUNS" >&2
dotnet pack "$REPO/src/ActionGuard/ActionGuard.csproj" -c Release -o "$WORK/feed" -p:Version="$VERSION" >/dev/null
FEED_URL="$(grep -o 'value="https[^"]*"' "$REPO/nuget.config" | head -1 | sed 's/value="//; s/"$//')"

generate() {
  local dir="$1"
  mkdir -p "$dir/src"
  cat > "$dir/src/Stubs.cs" <<'CS'
namespace Amazon.S3
{
    public interface IAmazonS3
    {
        System.Threading.Tasks.Task PutObjectAsync(string bucket, System.Threading.CancellationToken cancellationToken = default);
        System.Threading.Tasks.Task<string> GetObjectAsync(string bucket, System.Threading.CancellationToken cancellationToken = default);
    }
}
namespace Amazon.IdentityManagement
{
    public interface IAmazonIdentityManagementService
    {
        System.Threading.Tasks.Task AttachRolePolicyAsync(string role, System.Threading.CancellationToken cancellationToken = default);
    }
}
CS
  for ((i = 0; i < FILES; i++)); do
    {
      cat <<CS
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ActionGuard;
using Amazon.IdentityManagement;
using Amazon.S3;

namespace Agent.Tools.N$i;

public interface ITool$i
{
    [RequiresApproval(ActionKind.DataExport, Resource = "s3://{bucket}")]
    Task ExportAsync(string bucket, CancellationToken cancellationToken = default);

    [RequiresApproval(ActionKind.PermissionChange, Resource = "role:{role}")]
    Task GrantAsync(string role, CancellationToken cancellationToken = default);

    Task<string> SummarizeAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken = default);
}

public sealed class Tool$i(IAmazonS3 s3, IAmazonIdentityManagementService iam, IActionGuard guard) : ITool$i
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public Task ExportAsync(string bucket, CancellationToken cancellationToken = default) => s3.PutObjectAsync(bucket, cancellationToken);

    public Task GrantAsync(string role, CancellationToken cancellationToken = default) => iam.AttachRolePolicyAsync(role, cancellationToken);

    public async Task<string> SummarizeAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken = default)
    {
        var text = await s3.GetObjectAsync("reports", cancellationToken).ConfigureAwait(false);
        await guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "Tool$i.Summarize"),
            ct => s3.PutObjectAsync("summaries", ct),
            cancellationToken).ConfigureAwait(false);
        return text + string.Join(",", lines.Select(l => l.Trim()));
    }
CS
      for ((m = 0; m < 9; m++)); do
        cat <<CS

    public int Score${m}(IEnumerable<string> words, int seed)
    {
        var total = seed;
        foreach (var word in words)
        {
            if (string.IsNullOrWhiteSpace(word))
            {
                continue;
            }

            total += word.Length * ${m} + (word.StartsWith("a", StringComparison.Ordinal) ? 1 : 0);
            _counts[word] = _counts.TryGetValue(word, out var count) ? count + 1 : 1;
        }

        var builder = new StringBuilder();
        builder.Append(total.ToString(CultureInfo.InvariantCulture));
        return builder.Length + _counts.Where(p => p.Value > ${m}).Sum(p => p.Key.Length);
    }
CS
      done
      echo "}"
    } > "$dir/src/File$i.cs"
  done
}

project() {
  local dir="$1" variant="$2" refs
  case "$variant" in
    none)   refs="<PackageReference Include=\"ActionGuard\" Version=\"$VERSION\" />" ;;
    ag)     refs="<PackageReference Include=\"ActionGuard\" Version=\"$VERSION\" />" ;;
    banned) refs="<PackageReference Include=\"ActionGuard\" Version=\"$VERSION\" />
    <PackageReference Include=\"Microsoft.CodeAnalysis.BannedApiAnalyzers\" Version=\"$BANNED_VERSION\" PrivateAssets=\"all\" />
    <AdditionalFiles Include=\"BannedSymbols.txt\" />" ;;
  esac
  local strip=""
  if [[ "$variant" != ag ]]; then
    # ExcludeAssets="analyzers" does not keep a package's analyzers out of the compilation; remove them by hand.
    strip='<Target Name="RemoveActionGuardAnalyzer" BeforeTargets="CoreCompile">
    <ItemGroup>
      <Analyzer Remove="@(Analyzer)" Condition="$([System.String]::Copy(%(Filename)).StartsWith(ActionGuard.Analyzers))" />
    </ItemGroup>
  </Target>'
  fi
  cat > "$dir/Agent.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <NoWarn>\$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    $refs
  </ItemGroup>
  $strip
</Project>
XML
  cat > "$dir/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$WORK/feed" />
    <add key="feed" value="$FEED_URL" />
  </packageSources>
</configuration>
XML
  # BannedApiAnalyzers gets a catalog of the same size: the built-in catalog's IDs, in its own format.
  grep -E '^[MT]:' "$REPO/analyzers/ActionGuard.Analyzers/Catalog/BuiltInCatalog.txt" | awk -F';' '{ print $1 ";" $3 }' > "$dir/BannedSymbols.txt"
}

now() { date +%s.%N; }

generate "$WORK/code"
lines=$(cat "$WORK/code/src/"*.cs | wc -l)
echo "generated $FILES files, $lines lines" >&2

declare -A MEDIAN
for variant in ${VARIANTS:-none ag banned}; do
  dir="$WORK/$variant"
  rm -rf "$dir"; mkdir -p "$dir"; cp -r "$WORK/code/src" "$dir/src"
  project "$dir" "$variant"
  (cd "$dir" && dotnet restore >/dev/null)
  times=()
  for ((r = 0; r < RUNS; r++)); do
    # No shared compiler server: every build pays the same start-up, so no warm-up build is needed.
    start=$(now)
    (cd "$dir" && dotnet build -c Release --no-restore --no-incremental -p:UseSharedCompilation=false -p:ReportAnalyzer=true -v:d > "$WORK/$variant-$r.log" 2>&1)
    times+=("$(awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')")
  done
  MEDIAN[$variant]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "$variant: runs ${times[*]} s; median ${MEDIAN[$variant]} s"
  grep -E "^\s+[0-9.<]+\s+[0-9<]+\s+(ActionGuard|Microsoft.CodeAnalysis.(CSharp.)?BannedApiAnalyzers)|Total analyzer execution time" "$WORK/$variant-0.log" \
    | sed 's/^ */    /' | sort -u | head -12
  grep -oE "(warning|error) (AG|RS)[0-9]+" "$WORK/$variant-0.log" | sort | uniq -c | sed 's/^/    diagnostics: /' || true
done

if [[ -n "${MEDIAN[none]:-}" && -n "${MEDIAN[ag]:-}" ]]; then
  awk -v a="${MEDIAN[ag]}" -v n="${MEDIAN[none]}" 'BEGIN { printf "ratio ag/none:     %.3f\n", a / n }'
fi
if [[ -n "${MEDIAN[none]:-}" && -n "${MEDIAN[banned]:-}" ]]; then
  awk -v a="${MEDIAN[banned]}" -v n="${MEDIAN[none]}" 'BEGIN { printf "ratio banned/none: %.3f\n", a / n }'
fi
