using System.Net;

namespace McpGuard.Http;

/// <summary>
/// DNS rebinding: a browser page on evil.example whose name resolves to 127.0.0.1 sends <c>Host: evil.example</c>.
/// Only the listener's own address (and <c>localhost</c> on a loopback listener) or <c>public_url</c>'s host pass.
/// </summary>
internal sealed class HostCheck(ServeOptions options)
{
    /// <summary>The port the listener got (with port 0 in <c>listen</c>, known only once it listens).</summary>
    public int BoundPort { get; set; } = options.Listen.Port;

    public bool Allows(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        if (options.PublicUrl is { } publicUrl && string.Equals(host, publicUrl.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var (name, port) = Split(host);
        if (port is not null && port != BoundPort)
        {
            return false;
        }

        if (IPAddress.TryParse(name.Trim('[', ']'), out var address))
        {
            // A wildcard listener answers on every address of the machine; a specific one on its own only.
            return options.Listen.Address.Equals(IPAddress.Any) || options.Listen.Address.Equals(IPAddress.IPv6Any)
                || address.Equals(options.Listen.Address);
        }

        return options.IsLoopback && name.Equals("localhost", StringComparison.OrdinalIgnoreCase);
    }

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
