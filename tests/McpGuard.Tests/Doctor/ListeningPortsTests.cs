using System.Net;
using System.Net.Sockets;
using McpGuard.Doctor;

namespace McpGuard.Tests.Doctor;

/// <summary>
/// The ports a process listens on, read from /proc, for doctor's view of HTTP entries (docs/doctor.md).
/// </summary>
public sealed class ListeningPortsTests
{
    [Fact]
    public void Parse_ProcNetTcp_ListeningSocketsOnly()
    {
        const string table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:4947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51234 1
               1: 0100007F:4947 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000     0        0 51300 1
               2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1
            """;

        Assert.Equal([(51234L, 0x4947), (777L, 8080)], ListeningPorts.Parse(table));
    }

    [Fact]
    public void Of_ThisProcess_HasItsListener()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ports are read from /proc (Linux only)");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var ports = ListeningPorts.Of(Environment.ProcessId);

        Assert.Contains(port, ports);
    }
}
