namespace ActionGuard.Testing;

/// <summary>Options of <see cref="InMemoryApprovalBackend"/>.</summary>
public sealed class InMemoryApprovalBackendOptions
{
    /// <summary>The longest decision-token lifetime the protocol allows.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the backend's base address. Decision tokens carry it, without a trailing slash, as <c>iss</c>.
    /// Default <c>https://actionguard.test/</c>.
    /// </summary>
    public Uri Issuer { get; set; } = new("https://actionguard.test/");

    /// <summary>Gets or sets the clock. Pass a fake time provider to drive expiry and long polls from a test. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how long a request stays pending before it expires. Default 15 minutes.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how long an approved request may wait to be claimed before it expires. Default 5 minutes.</summary>
    public TimeSpan ClaimWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the lifetime of decision tokens (at most <see cref="MaxTokenLifetime"/>). Default 2 minutes.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how many distinct people must approve when no rule says otherwise. Default 1.</summary>
    public int DefaultMinApprovals { get; set; } = 1;

    internal void Validate()
    {
        if (Issuer is null || !Issuer.IsAbsoluteUri)
        {
            throw new ArgumentException("Issuer must be an absolute URI.", nameof(Issuer));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultTtl, TimeSpan.Zero, nameof(DefaultTtl));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClaimWindow, TimeSpan.Zero, nameof(ClaimWindow));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TokenLifetime, TimeSpan.Zero, nameof(TokenLifetime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TokenLifetime, MaxTokenLifetime, nameof(TokenLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultMinApprovals, 1, nameof(DefaultMinApprovals));
    }
}
