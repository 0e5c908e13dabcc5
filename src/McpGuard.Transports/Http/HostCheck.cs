using System.Globalization;
using System.Net;

namespace McpGuard.Http;

/// <summary>
/// DNS rebinding: a browser page on evil.example whose name resolves to 127.0.0.1 sends <c>Host: evil.example</c>.
/// Only the listener's own address (and <c>localhost</c> on a loopback or wildcard listener) or <c>public_url</c>'s
/// host pass.
/// The same names make up the gateway's own Origin.
/// </summary>
internal sealed class HostCheck(ServeOptions options)
{
    /// <summary>
    /// The Host value allowed last: clients send the same one on every request, and splitting it and parsing its
    /// address again cost ~1,000 instructions and three objects a request (callgrind).
    /// </summary>
    private volatile string? _allowedLast;

    private int _boundPort = options.Listen.Port;

    /// <summary>The port the listener got (with port 0 in <c>listen</c>, known only once it listens).</summary>
    public int BoundPort
    {
        get => _boundPort;
        set
        {
            _boundPort = value;
            _allowedLast = null;
        }
    }

    public bool Allows(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        if (string.Equals(host, _allowedLast, StringComparison.Ordinal))
        {
            return true;
        }

        if (!Decide(host))
        {
            return false;
        }

        _allowedLast = host;
        return true;
    }

    private bool Decide(string host)
    {
        if (options.PublicUrl is { } publicUrl && IsAuthorityOf(publicUrl, host))
        {
            return true;
        }

        var (name, port) = Split(host);
        if (port is not null && port != BoundPort)
        {
            return false;
        }

        // A wildcard listener answers on every address of the machine, loopback included; a specific one on its own.
        var wildcard = options.Listen.Address.Equals(IPAddress.Any) || options.Listen.Address.Equals(IPAddress.IPv6Any);
        if (IPAddress.TryParse(name.Trim('[', ']'), out var address))
        {
            return wildcard || address.Equals(options.Listen.Address);
        }

        // localhost names this machine's loopback, which a rebinding page cannot put in Host (its own name is there).
        return (options.IsLoopback || wildcard) && name.Equals("localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// An <c>Origin</c> that is the gateway's own (its scheme and an authority this check allows) is the same origin,
    /// not a cross-site page: a rebinding page has its own name in it and fails. Any other Origin needs
    /// <c>allowed_origins</c>.
    /// </summary>
    public bool IsOwnOrigin(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/")
        {
            return false;
        }

        if (options.PublicUrl is { } publicUrl && uri.Scheme == publicUrl.Scheme && uri.Port == publicUrl.Port
            && string.Equals(uri.Host, publicUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // The port is always spelled out: http://127.0.0.1 is port 80, another origin than a listener on 8750.
        var scheme = options.Tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        return uri.Scheme == scheme && Allows($"{uri.Host}:{uri.Port}");
    }

    /// <summary>
    /// The URL's authority, also with its default port spelt out (<c>guard.example.com:443</c>): a client whose URL
    /// names the port sends it in Host (RFC 9110 section 7.2), and a proxy passes that on. The same authority.
    /// </summary>
    private static bool IsAuthorityOf(Uri url, string host) =>
        string.Equals(host, url.Authority, StringComparison.OrdinalIgnoreCase)
        || url.IsDefaultPort && string.Equals(
            host, string.Create(CultureInfo.InvariantCulture, $"{url.Authority}:{url.Port}"),
            StringComparison.OrdinalIgnoreCase);

    private static (string Name, int? Port) Split(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon < 0 || host.EndsWith(']'))
        {
            return (host, null);
        }

        return int.TryParse(host.AsSpan(colon + 1), out var port) ? (host[..colon], port) : (host, -1);
    }
}
