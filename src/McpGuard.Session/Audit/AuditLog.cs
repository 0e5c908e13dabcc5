using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;

namespace McpGuard.Audit;

/// <summary>
/// The JSON Lines audit log (docs/audit.md). Each record is serialised in memory and appended as one complete
/// line by one write, so guards sharing a file never interleave partial lines. The file is opened on the first
/// write and reopened after a failure, so a log that cannot be written denies calls until it can.
/// </summary>
internal sealed partial class AuditLog : IAuditLog
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false };

    private readonly Lock _lock = new();
    private const int KeptBufferCapacity = 1 << 20;

    private ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly AuditArgumentsMode _mode;
    private readonly string _server;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly AppendStrategy? _strategy;
    private AppendOnlyFile? _file;
    private long _sequence;
    private bool _disposed;

    public AuditLog(
        string path,
        AuditArgumentsMode mode,
        string server,
        ILogger logger,
        TimeProvider? timeProvider = null,
        AppendStrategy? strategy = null)
    {
        Path = AuditPaths.Expand(path);
        _mode = mode;
        _server = server;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _strategy = strategy;
        _writer = new Utf8JsonWriter(_buffer, s_writerOptions);
        Session = Convert.ToHexStringLower(KernelRandom.GetBytes(8));
    }

    /// <summary>The absolute path written to.</summary>
    public string Path { get; }

    /// <summary>A random id for this guard run, in every record.</summary>
    public string Session { get; }

    /// <summary>
    /// The log a guard run writes: <paramref name="pathOverride"/> (<c>run --audit</c>) or the policy's
    /// <c>audit.path</c>; with neither, a <see cref="NullAuditLog"/>.
    /// </summary>
    public static IAuditLog Open(AuditSettings settings, string server, ILogger logger, string? pathOverride = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = pathOverride ?? settings.Path;
        return string.IsNullOrWhiteSpace(path)
            ? new NullAuditLog()
            : new AuditLog(path, settings.Arguments, server, logger);
    }

    public string NewCallId() =>
        CallIds.Format(Session, Interlocked.Increment(ref _sequence));

    public bool TryWriteDecision(AuditDecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return TryWrite(record.CallId, record, outcome: null);
    }

    public bool TryWriteOutcome(AuditOutcomeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return TryWrite(record.CallId, decision: null, record);
    }

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return TryWrite(record.CallId, decision: null, outcome: null, record);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
            _writer.Dispose();
        }
    }

    private bool TryWrite(
        string callId,
        AuditDecisionRecord? decision,
        AuditOutcomeRecord? outcome,
        AuditLimitsResetRecord? reset = null)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false; // a call racing the guard's shutdown is denied, never thrown at
            }

            var context = new AuditRecordContext(Session, _server, _timeProvider.GetUtcNow());
            if (!TrySerialize(decision, outcome, reset, context, argumentsFallback: false)
                && !TrySerialize(decision, outcome, reset, context, argumentsFallback: true))
            {
                LogRecordUnserializable(callId);
                return false;
            }

            try
            {
                if (_file is null)
                {
                    _file = AppendOnlyFile.Open(Path, _strategy);
                    if (_file.Strategy != AppendStrategy.AppendFlag)
                    {
                        LogAppendNotAtomic(Path);
                    }
                }

                _file.Append(_buffer.WrittenSpan);
                if (_buffer.Capacity > KeptBufferCapacity)
                {
                    // one 50 MB argument must not pin 50 MB for the session
                    _buffer = new ArrayBufferWriter<byte>(1024);
                }

                return true;
            }
            catch (Exception exception)
                when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                LogWriteFailed(Path, exception.Message);
                _file?.Dispose();
                _file = null;
                return false;
            }
        }
    }

    // Arguments the writer cannot encode (a lone surrogate escape, a name that is not valid UTF-16) must not lose
    // the decision itself: the record is written again with the arguments replaced by a marker.
    private bool TrySerialize(
        AuditDecisionRecord? decision,
        AuditOutcomeRecord? outcome,
        AuditLimitsResetRecord? reset,
        AuditRecordContext context,
        bool argumentsFallback)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        try
        {
            if (decision is not null)
            {
                AuditRecordSerializer.WriteDecision(_writer, context, decision, _mode, argumentsFallback);
            }
            else if (outcome is not null)
            {
                AuditRecordSerializer.WriteOutcome(_writer, context, outcome);
            }
            else
            {
                AuditRecordSerializer.WriteLimitsReset(_writer, context, reset!);
            }

            _writer.Flush();
            _buffer.Write("\n"u8);
            return true;
        }
        catch (Exception exception)
            when (exception is ArgumentException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Cannot write the audit log {Path} ({Error}). Calls are denied until it can be written.")]
    private partial void LogWriteFailed(string path, string error);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Audit log {Path}: appends from several processes may interleave on this platform.")]
    private partial void LogAppendNotAtomic(string path);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Cannot serialise the audit record of call {CallId}; the call is denied.")]
    private partial void LogRecordUnserializable(string callId);
}
