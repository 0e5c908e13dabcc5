namespace McpGuard.Telemetry;

/// <summary>
/// <c>mcpguard.decisions</c> for the traced calls of one export batch, counted on the export thread
/// (<see cref="TraceExporter"/>) from the decisions their records carry (<see cref="RequestTrace.DecisionUncounted"/>):
/// the relay's threads only write the decision on the record, as the span needs anyway, and the batch's decisions
/// reach the counter once per label set (bench/HISTORY.md). The label sets of the last batch are kept, found by the
/// records' instances first (a session's calls mostly repeat the last one's decision, rule and tool); past
/// <see cref="MaxParts"/> label sets in one batch (tool names are the server's), a decision goes to the counter at
/// once.
/// </summary>
internal sealed class DecisionBatch(MetricInstrument instrument)
{
    private const int MaxParts = 64;

    private readonly List<Part> _parts = [];

    /// <summary>The part the last decision went to, checked first.</summary>
    private Part? _last;

    /// <summary>Counts the record's decision if it is left for the exporter to count; else nothing.</summary>
    public void Add(RequestTrace request)
    {
        if (!request.DecisionUncounted)
        {
            return;
        }

        var (decision, rule, tool) = (request.Decision, request.Rule, request.DecisionTool);
        if (_last is { } last && ReferenceEquals(last.Decision, decision) && ReferenceEquals(last.Rule, rule)
            && ReferenceEquals(last.Tool, tool))
        {
            last.Count++;
            return;
        }

        if (Find(decision, rule, tool) is { } part)
        {
            part.Count++;
        }
        else
        {
            instrument.Add(1, new LabelValues(decision, rule, tool));
        }
    }

    /// <summary>
    /// Adds the batch's decisions to the counter. Label sets this batch did not use are forgotten, so a policy's
    /// reload or a new tool does not leave the parts full of label sets no call has any more.
    /// </summary>
    public void Flush()
    {
        if (_last is { Count: 0 })
        {
            _last = null; // forgotten below: a count through it would be lost
        }

        _parts.RemoveAll(part => part.Count == 0);
        foreach (var part in _parts)
        {
            instrument.Add(part.Count, new LabelValues(part.Decision, part.Rule, part.Tool));
            part.Count = 0;
        }
    }

    /// <summary>A record's decision left for the exporter, counted now on the caller's thread (a dropped record).
    /// </summary>
    public static void CountNow(MetricInstrument instrument, RequestTrace request)
    {
        if (request.DecisionUncounted)
        {
            request.DecisionUncounted = false;
            instrument.Add(1, new LabelValues(request.Decision, request.Rule, request.DecisionTool));
        }
    }

    private Part? Find(string? decision, string? rule, string? tool)
    {
        foreach (var part in _parts)
        {
            if (part.Decision == decision && part.Rule == rule && part.Tool == tool)
            {
                return _last = part;
            }
        }

        if (_parts.Count >= MaxParts)
        {
            return null;
        }

        var added = new Part(decision, rule, tool);
        _parts.Add(added);
        return _last = added;
    }

    private sealed class Part(string? decision, string? rule, string? tool)
    {
        public string? Decision { get; } = decision;

        public string? Rule { get; } = rule;

        public string? Tool { get; } = tool;

        public long Count { get; set; }
    }
}
