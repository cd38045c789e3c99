using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActionGuard.Cli.Development;

/// <summary>Parses Kestrel <c>--urls</c> values and decides whether each binds only the loopback interface.</summary>
internal static class LoopbackUrls
{
    public static IReadOnlyList<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// True for <c>localhost</c> and literal addresses in 127.0.0.0/8 or <c>[::1]</c>. Wildcards (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>), other addresses and other host names are not loopback.
    /// </summary>
    public static bool IsLoopback(string url) =>
        TryParse(url, out _, out var host, out _) &&
        (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)));

    public static bool TryParse(string url, out string scheme, out string host, out int port)
    {
        scheme = host = string.Empty;
        port = -1;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return false;
        }

        scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = authority[1..close];
            portText = authority[(close + 1)..].TrimStart(':');
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? string.Empty : authority[(colon + 1)..];
        }

        if (portText.Length == 0)
        {
            port = scheme == "https" ? 443 : 80;
        }
        else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        return host.Length > 0 && (scheme == "http" || scheme == "https");
    }

    /// <summary>
    /// Replaces port 0 with a free port: the development issuer's address must be known before the server starts,
    /// because it is part of the issuer name that the server's options carry.
    /// </summary>
    public static string ResolvePortZero(string url)
    {
        if (!TryParse(url, out var scheme, out var host, out var port) || port != 0)
        {
            return url;
        }

        var address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(host);
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var free = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"{scheme}://{(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host)}:{free.ToString(CultureInfo.InvariantCulture)}";
    }
}
