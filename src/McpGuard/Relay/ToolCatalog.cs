using System.Diagnostics.CodeAnalysis;
using McpGuard.Policy;

namespace McpGuard.Relay;

/// <summary>
/// The tools the server listed in this session, with their annotations and how each compares with its pin.
/// A call to a name that is not here is answered "Unknown tool". Cleared when the server says its list changed.
/// </summary>
internal sealed class ToolCatalog
{
    private readonly Lock _lock = new();
    private Dictionary<string, ListedTool> _tools = new(StringComparer.Ordinal);
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
                _tools[tool.Name] = tool;
            }

            _complete |= isLastPage;
        }
    }

    /// <summary>Replaces everything with a complete list the guard fetched itself.</summary>
    public void ReplaceAll(IEnumerable<ListedTool> tools)
    {
        var fresh = new Dictionary<string, ListedTool>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            fresh[tool.Name] = tool;
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

    public bool TryGet(string name, out ToolHints? hints)
    {
        var found = TryGetTool(name, out var tool);
        hints = tool?.Hints;
        return found;
    }

    public bool TryGetTool(string name, [NotNullWhen(true)] out ListedTool? tool)
    {
        lock (_lock)
        {
            return _tools.TryGetValue(name, out tool);
        }
    }

    public IReadOnlyList<string> Names()
    {
        lock (_lock)
        {
            return [.. _tools.Keys];
        }
    }
}
