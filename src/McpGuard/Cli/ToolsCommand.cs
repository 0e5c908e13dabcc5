using System.CommandLine;
using System.Text.Json;
using McpGuard.Inventory;
using McpGuard.Pins;
using McpGuard.Policy;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Tools;
using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard tools --policy FILE [--json] (-- COMMAND | --url URL)</c>: every tool, its risk, and what the policy
/// does with it.
/// </summary>
internal static class ToolsCommand
{
    public static Command Create(ServerConnector? connector = null)
    {
        var policyOption = CommonOptions.Policy();
        var json = new Option<bool>("--json") { Description = "Print the inventory as JSON." };
        var server = new InspectedServerOptions();
        var command = new Command(
            "tools", "List the server's tools with their risk class and what the policy does with each.")
        {
            policyOption, json,
        };
        server.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await server.ReadAsync(parseResult, error, connector) is not { } target
                || await ServerInspection.LoadPolicyAsync(parseResult.GetValue(policyOption)!, error) is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var listing = await target.ListAsync(error, cancellationToken);
            if (listing.Inventory is not { } inventory)
            {
                return listing.ExitCode;
            }

            var tools = inventory.Tools;

            var engine = new PolicyEngine(policy);
            var pins = ToolPins.Of(policy, tools);
            var rows = tools
                .Select(t => (
                    Tool: t,
                    Summary: engine.Describe(t.Name, t.Hints, inventory.ServerName, pins.Drift(t.Name))))
                .ToList();
            var flags = ToolTextFlags.Find(tools);
            if (parseResult.GetValue(json))
            {
                IReadOnlyList<ToolInventoryEntry> entries = [.. rows.Select(r => new ToolInventoryEntry(
                    r.Tool.Name,
                    RiskClassWords.Word(r.Summary.Risk),
                    ToolEffectWords.Word(r.Summary.Effect),
                    r.Summary.RuleId,
                    r.Summary.Limits)
                {
                    Pin = pins.Word(r.Tool.Name),
                    Flags = [.. flags.Where(f => f.Tool == r.Tool.Name)
                        .Select(f => new ToolInventoryFlag(f.Where, FlagKind(f.Kind), f.What))],
                })];
                await output.WriteLineAsync(
                    JsonSerializer.Serialize(entries, CliJsonContext.Default.IReadOnlyListToolInventoryEntry));
                return ExitCodes.Success;
            }

            string[] headers = ["tool", "risk", "policy", "decided by", "limits"];
            var table = new TextTable(pins.Enabled ? [.. headers, "pin"] : headers).Wrapping(4);
            foreach (var (tool, summary) in rows)
            {
                // Names come from the server: the table makes every cell inert for the terminal and for markup.
                TextCell[] cells =
                [
                    tool.Name,
                    RiskClassWords.Word(summary.Risk),
                    Effect(summary.Effect),
                    summary.RuleId.Text,
                    summary.Limits ?? "",
                ];
                table.AddRow(pins.Enabled ? [.. cells, PinCell(pins.Word(tool.Name))] : cells);
            }

            var console = Terminal.Create(output);
            table.Write(console);
            var hidden = rows.Count(r => r.Summary.Effect == ToolEffect.Hidden);
            console.MarkupLine(
                $"{tools.Count} tools on the server; {tools.Count - hidden} visible to the agent, {hidden} hidden.");
            if (pins.Enabled)
            {
                var pinCommand = target.PinCommand(parseResult.GetValue(policyOption)!.FullName);
                console.MarkupLine(Markup.Escape(TerminalText.Printable(pins.Summary(pinCommand))));
            }

            // Tool text meant for the model, not for the person reading this (docs/results.md#tool-text).
            foreach (var flag in flags)
            {
                console.MarkupLine($"[yellow]flagged[/] {Markup.Escape(TerminalText.Printable(flag.Message))}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string FlagKind(ToolTextFlagKind kind) => kind switch
    {
        ToolTextFlagKind.InvisibleCharacters => "invisible_characters",
        _ => "addressed_to_model",
    };

    private static TextCell PinCell(string? word) => word switch
    {
        "pinned" => new TextCell("pinned", "green"),
        "changed" => new TextCell("changed", "red"),
        "new" => new TextCell("new", "yellow"),
        _ => new TextCell(""),
    };

    private static TextCell Effect(ToolEffect effect) => new(ToolEffectWords.Word(effect), effect switch
    {
        ToolEffect.Allowed => "green",
        ToolEffect.Denied => "red",
        ToolEffect.Hidden => "grey",
        ToolEffect.NeedsApproval => "yellow",
        _ => "blue",
    });
}
