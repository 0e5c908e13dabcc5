using McpGuard.BybitSimulator;
using McpGuard.BybitSimulator.Exchange;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A stdio MCP server with the Bybit server's tools over an in-memory exchange. No network, no keys.
var seedIndex = Array.IndexOf(args, "--seed");
var seed = seedIndex >= 0 && seedIndex + 1 < args.Length ? int.Parse(args[seedIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount;

var builder = Host.CreateApplicationBuilder();
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var exchange = new SimulatedExchange(seed);
var tools = new SimulatorTools(exchange);
builder.Services
    .AddMcpServer(options => options.ServerInfo = new() { Name = "bybit-simulator", Version = "1.0.0" })
    .WithStdioServerTransport()
    .WithListToolsHandler((_, _) => ValueTask.FromResult(new ModelContextProtocol.Protocol.ListToolsResult { Tools = ToolCatalog.Tools }))
    .WithCallToolHandler((request, _) => ValueTask.FromResult(tools.Call(request.Params!.Name, request.Params.Arguments)));
await builder.Build().RunAsync();
