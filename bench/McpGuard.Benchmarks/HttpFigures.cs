namespace McpGuard.Benchmarks;

/// <summary>What the HTTP rows measured for one side, one entry per round.</summary>
internal sealed class HttpFigures
{
    /// <summary>Per round: every sequential call's latency (µs).</summary>
    public List<List<double>> Latency { get; } = [];

    /// <summary>
    /// Calls per turn when the side's latency calls took turns with other sides' (every block's first call then
    /// follows the other sides' blocks: the side's code and data are no longer in the caches); 0 when they did not.
    /// </summary>
    public int Block { get; set; }

    public List<double> SessionsThroughput { get; } = [];

    /// <summary>
    /// CPU per call (µs) while the 64 sessions made their calls: the gateway's own, and its children's (the
    /// servers it started; the side's processes only, so it is less moved by the machine's other load than calls/s).
    /// </summary>
    public List<(double Own, double Children)> SessionsCpu { get; } = [];

    /// <summary>
    /// The gateway's context switches per call while the 64 sessions made their calls: how many times a call's
    /// work went from one of its threads to another (or waited for the CPU); none for a side measured otherwise.
    /// </summary>
    public List<double> SessionsSwitches { get; } = [];

    /// <summary>NaN where the side cannot serve the 2026-07-28 era.</summary>
    public List<double> ModernThroughput { get; } = [];

    /// <summary>Resident MiB with the 64 sessions open: the process itself, and its children.</summary>
    public List<(double Own, double Children)> Memory { get; } = [];
}
