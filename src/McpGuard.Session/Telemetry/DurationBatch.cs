using System.Diagnostics;

namespace McpGuard.Telemetry;

/// <summary>
/// <c>mcp.server.operation.duration</c> for the requests of one export batch, counted on the export thread
/// (<see cref="TraceExporter"/>): an answered request's record already holds its method, error type and the
/// readings of its arrival and answer, so the relay's threads only hand it over, and the batch's durations reach the
/// histogram once per label set (a few interlocked adds) instead of once per request (bench/HISTORY.md). Past
/// <see cref="MaxParts"/> label sets in one batch (methods from outside are any string), a duration goes to the
/// histogram at once.
/// </summary>
internal sealed class DurationBatch(MetricInstrument instrument)
{
    private const int MaxParts = 64;

    private readonly List<HistogramPart> _parts = [];

    /// <summary>The part the last request went to, checked first: calls mostly repeat the last one's method.</summary>
    private HistogramPart? _last;

    /// <summary>
    /// The method and error type, as the records held them, of the last request that went to <see cref="_last"/>:
    /// a request with the same instances goes there with no label made and no set looked up. The method's label
    /// (<see cref="MethodLabel.Of"/>, a frozen set's lookup) and the labels' compare were most of counting a
    /// duration: ~400 instructions a request, now ~140 (bench/HISTORY.md); the method is mostly one instance (the
    /// parser's tools/call constant), the error type one of <see cref="ErrorTypeLabel"/>'s or none.
    /// </summary>
    private string? _lastMethod;
    private string? _lastErrorType;

    public void Add(RequestTrace request)
    {
        var seconds = Stopwatch.GetElapsedTime(request.StartedAt, request.EndedAt).TotalSeconds;
        if (_last is { } last && ReferenceEquals(request.Method, _lastMethod)
            && ReferenceEquals(request.ErrorType, _lastErrorType))
        {
            last.Add(seconds);
            return;
        }

        var labels = new LabelValues(MethodLabel.Of(request.Method), request.ErrorType, null);
        if (Part(labels) is { } part)
        {
            (_lastMethod, _lastErrorType) = (request.Method, request.ErrorType);
            part.Add(seconds);
        }
        else
        {
            instrument.Record(seconds, labels);
        }
    }

    /// <summary>Adds the batch's durations to the histogram; the parts are kept for the next batch.</summary>
    public void Flush()
    {
        for (var i = 0; i < _parts.Count; i++)
        {
            if (_parts[i] is { Count: > 0 } part)
            {
                instrument.Merge(part);
                part.Clear();
            }
        }
    }

    private HistogramPart? Part(in LabelValues labels)
    {
        if (_last is { } last && last.Labels.Matches(labels))
        {
            return last;
        }

        for (var i = 0; i < _parts.Count; i++)
        {
            if (_parts[i].Labels.Matches(labels))
            {
                return _last = _parts[i];
            }
        }

        if (_parts.Count >= MaxParts || instrument.Bounds is not { } bounds)
        {
            return null;
        }

        var added = new HistogramPart(labels, bounds);
        _parts.Add(added);
        return _last = added;
    }
}
