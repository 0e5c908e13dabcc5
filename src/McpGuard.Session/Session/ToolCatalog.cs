using System.Diagnostics.CodeAnalysis;
using McpGuard.Policy;
using McpGuard.Policy.Risk;

namespace McpGuard.Session;

/// <summary>
/// The tools the server listed in this session, with their annotations, how each compares with its pin, and their risk
/// class. A call to a name that is not here is answered "Unknown tool" before anything is classified or kept, so the
/// memory this takes is bounded by what the server listed, never by names a client makes up. Cleared when the server
/// says its list changed.
/// </summary>
internal sealed class ToolCatalog
{
    private readonly Lock _lock = new();
    private Dictionary<string, Entry> _tools = new(StringComparer.Ordinal);
    private bool _complete;

    /// <summary>True once every page of the current list has been seen, so a missing name really is unknown.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_lock)
            {
                return _complete;
            }
        }
    }

    public void AddPage(IEnumerable<ListedTool> tools, bool isLastPage)
    {
        lock (_lock)
        {
            foreach (var tool in tools)
            {
                _tools[tool.Name] = new Entry(tool);
            }

            _complete |= isLastPage;
        }
    }

    /// <summary>Replaces everything with a complete list the guard fetched itself.</summary>
    public void ReplaceAll(IEnumerable<ListedTool> tools)
    {
        var fresh = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            fresh[tool.Name] = new Entry(tool);
        }

        lock (_lock)
        {
            _tools = fresh;
            _complete = true;
        }
    }

    public void MarkStale()
    {
        lock (_lock)
        {
            _tools = new(StringComparer.Ordinal);
            _complete = false;
        }
    }

    /// <summary>
    /// The class of a listed tool under <paramref name="policy"/> for the server that called itself
    /// <paramref name="serverName"/>: computed the first time it is asked for and kept with the tool (a reload
    /// gives a new policy, so classes follow it). False, with nothing computed, for a name the server did not list.
    /// </summary>
    public bool TryGetRisk(string name, CompiledPolicy policy, string? serverName, out RiskClass risk)
    {
        lock (_lock)
        {
            if (!_tools.TryGetValue(name, out var entry))
            {
                risk = default;
                return false;
            }

            if (!ReferenceEquals(entry.ClassifiedBy, policy)
                || !string.Equals(entry.ServerName, serverName, StringComparison.Ordinal))
            {
                entry.Risk = policy.Classify(entry.Tool.Name, entry.Tool.Hints, serverName);
                entry.ClassifiedBy = policy;
                entry.ServerName = serverName;
            }

            risk = entry.Risk;
            return true;
        }
    }

    /// <summary>True when the server listed <paramref name="name"/> in this session (nothing is classified).</summary>
    public bool Contains(string name)
    {
        lock (_lock)
        {
            return _tools.ContainsKey(name);
        }
    }

    /// <summary>
    /// The listed tool as the guard read it (hints, drift from its pin); false for a name the server did not list.
    /// </summary>
    public bool TryGetTool(string name, [NotNullWhen(true)] out ListedTool? tool)
    {
        lock (_lock)
        {
            tool = _tools.TryGetValue(name, out var entry) ? entry.Tool : null;
            return tool is not null;
        }
    }

    /// <summary>A listed tool and its class under the policy that last asked (guarded by the catalog's lock).</summary>
    private sealed class Entry(ListedTool tool)
    {
        public ListedTool Tool { get; } = tool;

        public CompiledPolicy? ClassifiedBy { get; set; }

        public string? ServerName { get; set; }

        public RiskClass Risk { get; set; }
    }
}
