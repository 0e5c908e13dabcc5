using System.Globalization;

namespace McpGuard.Doctor;

/// <summary>
/// The TCP ports a process listens on, from <c>/proc</c> (Linux): the socket inodes among its open files, matched
/// against the listening sockets of <c>/proc/PID/net/tcp</c> and <c>tcp6</c>. Doctor uses it to know a client's HTTP
/// entry that dials a running <c>mcpguard serve</c>. What cannot be read (another user's process, one that ended)
/// gives no ports.
/// </summary>
internal static class ListeningPorts
{
    private const string Listen = "0A";

    public static IReadOnlySet<int> Of(int pid)
    {
        var ports = new HashSet<int>();
        try
        {
            var inodes = new HashSet<long>();
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target
                    && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode))
                {
                    inodes.Add(inode);
                }
            }

            foreach (var table in (string[])["tcp", "tcp6"])
            {
                var file = $"/proc/{pid}/net/{table}";
                if (File.Exists(file))
                {
                    var listening = Parse(File.ReadAllText(file));
                    ports.UnionWith(listening.Where(s => inodes.Contains(s.Inode)).Select(s => s.Port));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone, or not ours to read.
        }

        return ports;
    }

    /// <summary>
    /// The listening sockets of a <c>/proc/net/tcp</c> table: <c>sl local_address rem_address st … inode</c>, the
    /// port in hex after the colon of the local address, the state <c>0A</c> for LISTEN, the inode tenth.
    /// </summary>
    internal static IEnumerable<(long Inode, int Port)> Parse(string table)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[3] == Listen
                && fields[1].LastIndexOf(':') is var colon and > 0
                && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture,
                    out var port)
                && long.TryParse(fields[9], CultureInfo.InvariantCulture, out var inode))
            {
                yield return (inode, port);
            }
        }
    }
}
