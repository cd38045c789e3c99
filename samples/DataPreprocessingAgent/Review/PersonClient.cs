using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataPreprocessingAgent.Review;

/// <summary>
/// A person's side of the protocol over plain HTTP with their OIDC token: what the web page, Slack or the
/// <c>actionguard</c> CLI do for an approver or an auditor.
/// </summary>
public sealed class PersonClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="server">The backend's address.</param>
    /// <param name="token">The person's bearer token.</param>
    public PersonClient(Uri server, string token)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Lists pending approvals, newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        var page = await GetJsonAsync("v1/approvals?status=pending&limit=50", cancellationToken);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Reads one approval.</summary>
    public Task<JsonElement> GetApprovalAsync(string id, CancellationToken cancellationToken = default) =>
        GetJsonAsync("v1/approvals/" + Uri.EscapeDataString(id), cancellationToken);

    /// <summary>Approves or denies.</summary>
    public async Task DecideAsync(string id, bool approve, string reason, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["verdict"] = approve ? "approve" : "deny", ["reason"] = reason };
        using var content = JsonContent.Create(body);
        using var response = await _http.PostAsync($"v1/approvals/{Uri.EscapeDataString(id)}/decisions", content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Reads the whole audit log in order (auditor group needed).</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadAuditAsync(CancellationToken cancellationToken = default)
    {
        var records = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"v1/audit?after={after}&limit=1000"), cancellationToken);
            var batch = page.GetProperty("records").EnumerateArray().ToList();
            records.AddRange(batch);
            if (batch.Count == 0 || page.TryGetProperty("nextAfter", out var next) is false || next.ValueKind != JsonValueKind.Number)
            {
                return records;
            }

            after = next.GetInt64();
        }
    }

    /// <summary>Asks the backend to recompute the audit hash chain (auditor group needed).</summary>
    public Task<JsonElement> VerifyAuditAsync(CancellationToken cancellationToken = default) => GetJsonAsync("v1/audit/verify", cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {body}",
                null,
                response.StatusCode);
        }
    }
}
