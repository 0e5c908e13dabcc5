using System.Diagnostics.CodeAnalysis;

// The console belongs to the CLI: everything else writes through the streams and loggers the CLI hands it, because
// in `run` stdout is the client's JSON-RPC wire and a stray write there corrupts the session (eng/BannedSymbols.*).
[assembly: SuppressMessage("ApiDesign", "RS0030:Do not use banned APIs", Scope = "namespaceanddescendants",
    Target = "~N:McpGuard.Cli", Justification = "The CLI owns the console; the clock rule is kept by review here.")]
