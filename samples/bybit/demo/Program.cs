using McpGuard.BybitDemo;

// A scripted agent session against the Bybit simulator, through the real `mcpguard run` and the sample policy.
return await DemoSession.RunAsync(Console.Out, args.Contains("--no-color") || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 });
