using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using McpGuard.Audit;
using McpGuard.ClientConfig;
using McpGuard.Pins;

namespace McpGuard.Cli;

/// <summary>
/// Load, change, back up, save: the part wrap and unwrap share. Nothing is written unless an entry changed;
/// the backup is written before the config; the config is replaced by rename so a crash leaves one or the other.
/// </summary>
internal sealed class ClientConfigEditor(TextWriter output, TextWriter error, TimeProvider timeProvider)
{
    /// <summary>What the last <see cref="EditAsync"/> did to each entry, named as its report names them.</summary>
    public IReadOnlyList<ServerChange> Changes { get; private set; } = [];

    public async Task<int> EditAsync(
        string? configPath,
        IReadOnlyList<string> selected,
        Func<JsonObject, IReadOnlyList<ServerChange>> change,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(change);
        var path = ResolveTarget(AuditPaths.Expand(configPath ?? ClientConfigPaths.ClaudeDesktop()));
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"mcpguard: config not found: {path} (use --config PATH)");
            return ExitCodes.UsageOrPolicyError;
        }

        var (text, encoding) = Decode(await File.ReadAllBytesAsync(path, cancellationToken));
        if (!ClientConfigDocument.TryParse(text, out var document, out var problem))
        {
            await error.WriteLineAsync($"mcpguard: {path} {problem}. Nothing was changed.");
            return ExitCodes.UsageOrPolicyError;
        }

        var missing = selected.Where(name => !document.Names.Contains(name, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            var known = string.Join(", ", document.Names);
            await error.WriteLineAsync(
                $"mcpguard: no server named {string.Join(", ", missing.Select(TerminalText.Printable))} in {path} "
                    + $"(servers: {TerminalText.Printable(known)}). Nothing was changed.");
            return ExitCodes.UsageOrPolicyError;
        }

        var changes = document.Groups
            .SelectMany(group => change(group.Servers).Select(item => item with { Name = group.Label(item.Name) }))
            .ToList();
        Changes = changes;
        await output.WriteLineAsync($"Config: {path}");
        foreach (var item in changes)
        {
            // A dry run changes nothing: its report says what would happen, not "wrapped" (docs/wrap.md).
            var label = item.Kind switch
            {
                ServerChangeKind.Wrapped => dryRun ? "would wrap" : "wrapped",
                ServerChangeKind.Unwrapped => dryRun ? "would unwrap" : "unwrapped",
                ServerChangeKind.Skipped => "skipped",
                _ => "unchanged",
            };
            await output.WriteLineAsync(
                $"  {label.PadRight(dryRun ? 12 : 10)} {TerminalText.Printable(item.Name)}: "
                    + TerminalText.Printable(item.Detail));
        }

        if (!changes.Any(c => c.Changed))
        {
            await output.WriteLineAsync("Nothing to change; the config was not written.");
            return ExitCodes.Success;
        }

        if (dryRun)
        {
            // Only the changed lines of the text that would be written, with the values under env and headers (API
            // keys, tokens) masked on both sides: a remote entry's headers move into its env, so those lines change.
            var before = ConfigMask.Text(text);
            var after = ClientConfigSplice.Write(before, ConfigMask.Document(document));
            await output.WriteLineAsync($"Would change {path}:");
            foreach (var line in TextDiff.Lines(before.ReplaceLineEndings("\n"), after.ReplaceLineEndings("\n")))
            {
                if (!line.StartsWith("  ", StringComparison.Ordinal))
                {
                    await output.WriteLineAsync("  " + TerminalText.Printable(line));
                }
            }

            await output.WriteLineAsync("Dry run: nothing was written.");
            return ExitCodes.Success;
        }

        try
        {
            var backup = BackupPath(path);
            File.Copy(path, backup);
            await output.WriteLineAsync($"Backup: {backup}");
            await ReplaceAsync(path, ClientConfigSplice.Write(text, document), encoding, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"mcpguard: cannot write {path}: {exception.Message}");
            return ExitCodes.Failure;
        }

        await output.WriteLineAsync(
            $"Wrote {path}. Restart the client that reads it (quit and reopen Claude Desktop or Cursor; start a new "
            + "Claude Code session) to apply.");
        return ExitCodes.Success;
    }

    // A config that is a symlink (dotfile managers) is edited where it points, and stays a symlink.
    private static string ResolveTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private string BackupPath(string path)
    {
        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var backup = $"{path}.bak-{stamp}";
        for (var n = 2; File.Exists(backup); n++)
        {
            backup = $"{path}.bak-{stamp}-{n}";
        }

        return backup;
    }

    /// <summary>
    /// The file's text and the encoding to write it back in: its byte order mark, if it has one (Windows editors
    /// write one), is kept, so <c>unwrap</c> gives the file back byte for byte; without one, UTF-8 without one.
    /// </summary>
    private static (string Text, Encoding Encoding) Decode(byte[] bytes)
    {
        Encoding[] marked =
        [
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        ];
        foreach (var encoding in marked)
        {
            var preamble = encoding.Preamble;
            if (bytes.AsSpan().StartsWith(preamble))
            {
                return (encoding.GetString(bytes.AsSpan(preamble.Length)), encoding);
            }
        }

        return (Encoding.UTF8.GetString(bytes), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static async Task ReplaceAsync(
        string path, string text, Encoding encoding, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(
            Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.mcpguard-{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, encoding, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                // configs hold API keys in env: keep them private
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
