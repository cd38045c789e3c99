using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>
/// A backend double that costs as little as a backend can: every request is approved at once (one cached task),
/// outcome reports and cancels are no-ops, and the claim writes a decision token for the hash it was just sent —
/// it must, the hash binds a nonce that never leaves the agent — with a fixed 64-byte signature instead of ES256.
/// Only <see cref="NoSignatureMathKey"/> makes that token verify. Not thread-safe: one benchmark thread.
/// </summary>
public sealed class InstantApprovalClient : ApprovalClient
{
    public const string ApprovalId = "apr_benchmark";

    private readonly Task<Approval> _approved;
    private readonly Task<string> _jwks;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly string _header;
    private readonly string _signature;
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly Utf8JsonWriter _writer;
    private string _hash = string.Empty;
    private string _request = string.Empty;
    private string _kind = string.Empty;
    private string _name = string.Empty;
    private readonly TimeProvider _time;
    private long _tokens;

    public InstantApprovalClient(string issuer, string audience, ECDsaSecurityKey key, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _issuer = issuer;
        _audience = audience;
        _writer = new Utf8JsonWriter(_payload);
        _approved = Task.FromResult(new Approval
        {
            Id = ApprovalId,
            Status = ApprovalStatus.Approved,
            Action = new ApprovalAction { Kind = "data_export", Name = "IExporter.ExportAsync" },
        });
        _jwks = Task.FromResult(Jwks(key));
        _header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"ES256\",\"kid\":\"{key.KeyId}\",\"typ\":\"JWT\"}}")) + ".";
        _signature = "." + Base64Url.EncodeToString(new byte[64]);
    }

    public override Task<Approval> CreateApprovalAsync(CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hash = request.ActionHash;

        // A backend's work (it digests the body it received); part of the double's cost, not the SDK's.
        _request = ActionGuard.Hashing.RequestDigest.Compute(request);
        _kind = request.Action.Kind;
        _name = request.Action.Name;
        return _approved;
    }

    public override Task<Approval> GetApprovalAsync(string approvalId, TimeSpan? wait = null, CancellationToken cancellationToken = default) => _approved;

    public override Task<ClaimResult> ClaimAsync(string approvalId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ClaimResult { DecisionToken = WriteToken() });

    public override Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken = default)
    {
        var results = new OutcomeReportResult[outcomes.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new OutcomeReportResult { ApprovalId = outcomes[i].ApprovalId, Status = ApprovalStatus.Succeeded };
        }

        return Task.FromResult<IReadOnlyList<OutcomeReportResult>>(results);
    }

    public override Task CancelAsync(string approvalId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default) => _jwks;

    /// <summary>Writes a token for the last request, as the claim does; public for the benchmark of the double alone.</summary>
    public string WriteToken()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        _payload.ResetWrittenCount();
        _writer.Reset(_payload);
        _writer.WriteStartObject();
        _writer.WriteString("iss"u8, _issuer);
        _writer.WriteString("aud"u8, _audience);
        _writer.WriteString("sub"u8, ApprovalId);
        Span<char> jti = stackalloc char[24];
        "jti-".CopyTo(jti);
        (++_tokens).TryFormat(jti[4..], out var digits, provider: CultureInfo.InvariantCulture);
        _writer.WriteString("jti"u8, jti[..(4 + digits)]);
        _writer.WriteNumber("iat"u8, now);
        _writer.WriteNumber("nbf"u8, now);
        _writer.WriteNumber("exp"u8, now + 120);
        _writer.WriteString("ag_hash"u8, _hash);
        _writer.WriteString("ag_request"u8, _request);
        _writer.WriteString("ag_kind"u8, _kind);
        _writer.WriteString("ag_name"u8, _name);
        _writer.WriteString("ag_verdict"u8, "approved"u8);
        _writer.WriteStartArray("ag_approvers"u8);
        _writer.WriteStartObject();
        _writer.WriteString("iss"u8, "https://idp.benchmark.test"u8);
        _writer.WriteString("sub"u8, "alice"u8);
        _writer.WriteString("name"u8, "Alice"u8);
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();

        var payloadLength = Base64Url.GetEncodedLength(_payload.WrittenCount);
        return string.Create(_header.Length + payloadLength + _signature.Length, this, static (span, self) =>
        {
            self._header.CopyTo(span);
            span = span[self._header.Length..];
            Base64Url.EncodeToChars(self._payload.WrittenSpan, span, out _, out var written);
            self._signature.CopyTo(span[written..]);
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string Jwks(ECDsaSecurityKey key)
    {
        var q = key.ECDsa.ExportParameters(includePrivateParameters: false).Q;
        return $$"""{"keys":[{"kty":"EC","crv":"P-256","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}","kid":"{{key.KeyId}}","use":"sig","alg":"ES256"}]}""";
    }
}
