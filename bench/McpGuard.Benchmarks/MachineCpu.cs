using System.Globalization;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// Where a soak's CPU goes on the whole machine, not only in the relay: each thread of the relay by name (the guard's
/// relay threads, its OTLP export threads), the relay's children (the server), and this benchmark's own process (the
/// client, and with <c>--telemetry</c> the OTLP receiver's threads apart), from <c>/proc</c>'s utime + stime (clock
/// ticks, 100 a second). Take one snapshot before and one after, then <see cref="Describe"/> the difference per call.
/// </summary>
internal sealed class MachineCpu
{
    private readonly Dictionary<string, long> _ticks;

    private MachineCpu(Dictionary<string, long> ticks) => _ticks = ticks;

    public static MachineCpu Snapshot(int relayPid)
    {
        var ticks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var task in Tasks(relayPid))
        {
            Add(ticks, "relay: " + Name(task), Ticks(task));
        }

        foreach (var child in Children(relayPid))
        {
            foreach (var task in Tasks(child))
            {
                Add(ticks, "relay's child (server)", Ticks(task));
            }
        }

        foreach (var task in Tasks(Environment.ProcessId))
        {
            var receiver = Name(task).StartsWith("otlp-sink", StringComparison.Ordinal);
            Add(ticks, receiver ? "benchmark: OTLP receiver" : "benchmark: client", Ticks(task));
        }

        return new MachineCpu(ticks);
    }

    /// <summary>Each part's µs of CPU per call between <paramref name="before"/> and this, biggest first.</summary>
    public string Describe(MachineCpu before, long calls)
    {
        var text = new StringBuilder();
        var total = 0.0;
        foreach (var (name, ticks) in _ticks.OrderByDescending(p => p.Value - before._ticks.GetValueOrDefault(p.Key)))
        {
            var us = (ticks - before._ticks.GetValueOrDefault(name)) * 10_000.0 / calls;
            total += us;
            if (us > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-40} {us,6:0.00} µs per call");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"  {"all of the above",-40} {total,6:0.00} µs per call");
        return text.ToString();
    }

    private static void Add(Dictionary<string, long> ticks, string name, long value) =>
        ticks[name] = ticks.GetValueOrDefault(name) + value;

    private static string[] Tasks(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static IEnumerable<int> Children(int pid) => Tasks(pid).SelectMany(task =>
    {
        var path = Path.Combine(task, "children");
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            : [];
    });

    /// <summary>A thread's name with its number dropped, so a pool's threads add up under one name.</summary>
    private static string Name(string task)
    {
        var comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
        return comm.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '#');
    }

    private static long Ticks(string task)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture)
                + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // the thread ended between listing and reading
        }
    }
}
