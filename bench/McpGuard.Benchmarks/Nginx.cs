using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace McpGuard.Benchmarks;

/// <summary>
/// Debian's nginx as a plain reverse proxy in front of one HTTP server: HTTP/1.1 to the upstream with keep-alive,
/// nothing buffered, no access log; as deployed, one worker per core.
/// </summary>
internal static class Nginx
{
    public static async Task<HttpSide> StartAsync(Uri upstream)
    {
        var prefix = Directory.CreateTempSubdirectory("mcpguard-bench-nginx-").FullName;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process on;
            worker_processes auto;
            user root;
            pid {{prefix}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{prefix}}/body;
              proxy_temp_path {{prefix}}/proxy;
              upstream mcp { server {{upstream.Host}}:{{upstream.Port}}; keepalive 128; }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://mcp;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_buffering off;
                  proxy_request_buffering off;
                }
              }
            }
            """));
        return await HttpSide.StartQuietAsync(
            "nginx",
            ["nginx", "-p", prefix, "-c", config, "-e", "stderr"],
            new Uri($"http://127.0.0.1:{port}{upstream.AbsolutePath}"));
    }
}
