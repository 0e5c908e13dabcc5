using System.Globalization;
using System.Text;
using McpGuard.BybitSimulator;
using McpGuard.BybitSimulator.Exchange;

// A stdio MCP server with the Bybit server's tools over an in-memory exchange. No network, no keys.
var seedIndex = Array.IndexOf(args, "--seed");
var seed = seedIndex >= 0 && seedIndex + 1 < args.Length
    ? int.Parse(args[seedIndex + 1], CultureInfo.InvariantCulture)
    : Environment.TickCount;

using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
using var stdout = Console.OpenStandardOutput();
new StdioServer(new SimulatorTools(new SimulatedExchange(seed)), stdout).Run(stdin);
