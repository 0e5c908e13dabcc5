using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

/// <summary><c>approval: { timeout, progress, channels, command }</c> (docs/approval.md).</summary>
internal sealed class ApprovalParser(YamlWalker yaml)
{
    private static readonly string[] s_approvalKeys = ["timeout", "progress", "channels", "command"];
    private static readonly string[] s_channels = ["elicitation", "desk", "command"];
    private static readonly TimeSpan s_longest = TimeSpan.FromDays(1);

    public ApprovalSettings Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(
            node, "approval", s_approvalKeys, "must be a mapping with timeout, progress, channels, command");
        if (keys is null)
        {
            return ApprovalSettings.Default;
        }

        // At most a day: no client waits that long for a call, and the guard's timers cannot wait past ~49 days.
        var settings = ApprovalSettings.Default;
        if (keys.TryGetValue("timeout", out var timeout)
            && DurationValue.Read(
                yaml, timeout, "approval.timeout", "must be a duration such as 120s or 5m, at most 24h",
                atMost: s_longest) is { } span)
        {
            settings = settings with { Timeout = span };
        }

        // Below a second a waiting call would flood the client; a client's timeout is tens of seconds.
        if (keys.TryGetValue("progress", out var progress)
            && DurationValue.Read(
                yaml, progress, "approval.progress", "must be a duration of at least 1s and at most 24h, such as 10s",
                atLeast: TimeSpan.FromSeconds(1), atMost: s_longest) is { } every)
        {
            settings = settings with { Progress = every };
        }

        if (keys.TryGetValue("channels", out var channels))
        {
            var names = yaml.Strings(channels, "approval.channels");
            foreach (var bad in names.Where(n => !s_channels.Contains(n)))
            {
                yaml.Error(channels, "approval.channels",
                    $"unknown channel '{bad}' (known: {string.Join(", ", s_channels)})");
            }

            settings = settings with { Channels = names };
        }

        if (keys.TryGetValue("command", out var command))
        {
            settings = settings with { Command = yaml.Strings(command, "approval.command") };
        }

        if (settings.Channels.Contains("command") && settings.Command.Count == 0)
        {
            yaml.Error(node, "approval.command", "the command channel needs a command: [program, args...]");
        }

        return settings;
    }
}
