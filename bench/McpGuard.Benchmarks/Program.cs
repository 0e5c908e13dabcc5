using System.Globalization;
using McpGuard.Benchmarks;

// relay (default): direct vs plain relay vs mcpguard, side by side. micro: BenchmarkDotNet. counters: a counted call in
// memory, SQLite and Redis side by side (BenchmarkDotNet). server / plain-relay: helpers it starts.
return args.FirstOrDefault() switch
{
    "server" => await FastServer.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput()),
    "plain-relay" => await PlainRelay.RunAsync(args.SkipWhile(a => a != "--").Skip(1).ToArray()),
    "http" => await CompiledClient.RunAsync(args, () => HttpBenchmark.RunAsync(args.Skip(1).ToArray())),
    "http-server" => await FastHttpServer.RunAsync(),
    "http-forwarder" => await DotnetForwarder.RunAsync(new Uri(args[1])),
    "tcp-relay" => await TcpRelay.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture)),
    "http-probe" => await CompiledClient.RunAsync(args, () => HttpProbe.RunAsync(
        args[1],
        int.Parse(args[2], CultureInfo.InvariantCulture),
        args.Contains("--tail"),
        Array.IndexOf(args, "--gap") is var gap and >= 0 ? int.Parse(args[gap + 1], CultureInfo.InvariantCulture) : 0,
        Array.IndexOf(args, "--block") is var b and >= 0 ? int.Parse(args[b + 1], CultureInfo.InvariantCulture) : 50)),
    "soak" => await RelayBenchmark.SoakAsync(args.Skip(1).ToArray()),
    "pairs" => await TelemetryPairsRun.RunAsync(args.Skip(1).ToArray()),
    "otlp-sink" => await OtlpSink.RunAsync(),
    "micro" => MicroBenchmarks.Run(args.Skip(1).ToArray()),
    "micro-spans" => SpanEncoding.Run(args.Skip(1).ToArray()),
    "counters" => CounterStoreBenchmarks.Run(args.Skip(1).ToArray()),
    "counters-latency" => await CounterStoreLatency.RunAsync(args.Skip(1).ToArray()),
    "sqlite-commits" => SqliteCommits.Run(args.Skip(1).ToArray()),
    _ => await RelayBenchmark.RunAsync(args.Skip(1).ToArray()),
};
