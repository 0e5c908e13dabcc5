using McpGuard.BybitDemo;

// A scripted agent session against the Bybit simulator, through the real `mcpguard run` and the sample policy.
// Colour only for a person at a terminal: not when asked not to, and not into a pipe or a file.
var plain = args.Contains("--no-color") || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
    || Console.IsOutputRedirected;
return await DemoSession.RunAsync(Console.Out, plain);
