using System.Runtime.InteropServices;
using McpGuard.RawServer;

// A raw line-based MCP server for relay tests. It records every line it receives (raw bytes, or "sha256:HEX"
// for lines over 1 MB) to the file in args[0] and behaves as the JSON config in args[1] says (RawServerConfig).
// Every write to stdout is flushed at once, so "write, then report on stderr" is a true order.
var config = RawServerConfig.Parse(args.Length > 1 ? args[1] : "{}");
using var sigterm = config.IgnoreSigterm
    ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        Console.Error.WriteLine("ignoring SIGTERM");
    })
    : null;

using var record = new FileStream(args[0], FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
var server = new RawServer(config, record, args[0], Console.OpenStandardOutput());
using var stdin = Console.OpenStandardInput();
while (config.ReadAfter is { } readAfter && !File.Exists(readAfter))
{
    Thread.Sleep(20);
}

var buffer = new byte[64 * 1024];
var line = new MemoryStream();
int read;
while ((read = stdin.Read(buffer, 0, buffer.Length)) > 0)
{
    var start = 0;
    for (var newline = Array.IndexOf(buffer, (byte)'\n', 0, read); newline >= 0; newline = Array.IndexOf(
        buffer, (byte)'\n', start, read - start))
    {
        line.Write(buffer, start, newline - start);
        server.Handle(line.ToArray());
        line.SetLength(0);
        start = newline + 1;
    }

    line.Write(buffer, start, read - start);
    server.WaitWhilePaused();
}

if (server.SessionDead)
{
    return 1;
}

if (config.IgnoreEof)
{
    Thread.Sleep(Timeout.Infinite);
}

return config.ExitCodeOnEof;
