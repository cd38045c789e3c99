namespace ActionGuard.Tests.Client;

/// <summary>Sits under the resilience handler and counts the attempts that reach the wire.</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private int _attempts;

    public CountingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public int Attempts => Volatile.Read(ref _attempts);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        return base.SendAsync(request, cancellationToken);
    }
}
