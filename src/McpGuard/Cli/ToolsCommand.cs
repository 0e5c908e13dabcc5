using System.CommandLine;
using System.Text.Json;
using McpGuard.Inventory;
using McpGuard.Pins;
using McpGuard.Policy;
using Spectre.Console;

namespace McpGuard.Cli;

/// <summary><c>mcpguard tools --policy FILE [--json] -- COMMAND</c>: every tool, its risk, and what the policy does with it.</summary>
internal static class ToolsCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var json = new Option<bool>("--json") { Description = "Print the inventory as JSON." };
        var server = CommonOptions.ServerCommand();
        var command = new Command("tools", "List the server's tools with their risk class and what the policy does with each.") { policyOption, json, server };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await ServerInspection.LoadPolicyAsync(parseResult.GetValue(policyOption)!, error) is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            if (await ServerInspection.ListAsync(parseResult.GetValue(server)!, error, cancellationToken) is not { } tools)
            {
                return ExitCodes.Failure;
            }

            var engine = new PolicyEngine(policy);
            var pins = ToolPins.Of(policy, tools);
            var rows = tools.Select(t => (Tool: t, Summary: engine.Describe(t.Name, t.Hints, pins.Drift(t.Name)))).ToList();
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(rows.Select(r => new
                {
                    name = r.Tool.Name,
                    risk = r.Summary.Risk.ToString().ToLowerInvariant(),
                    effect = r.Summary.Effect,
                    rule = r.Summary.RuleId,
                    limits = r.Summary.Limits,
                    pin = pins.Word(r.Tool.Name),
                }), s_indented));
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("tool", "risk", "policy", "decided by", "limits");
            if (pins.Enabled)
            {
                table.AddColumn("pin");
            }

            foreach (var (tool, summary) in rows)
            {
                string[] cells = [Markup.Escape(TerminalText.Printable(tool.Name)), Markup.Escape(summary.Risk.ToString().ToLowerInvariant()), Effect(summary.Effect), Markup.Escape(summary.RuleId), Markup.Escape(summary.Limits ?? "")];
                table.AddRow(pins.Enabled ? [.. cells, PinCell(pins.Word(tool.Name))] : cells);
            }

            var console = Terminal.Create(output);
            console.Write(table);
            var hidden = rows.Count(r => r.Summary.Effect == "hidden");
            console.MarkupLine($"{tools.Count} tools on the server; {tools.Count - hidden} visible to the agent, {hidden} hidden.");
            if (pins.Enabled)
            {
                console.MarkupLine(Markup.Escape(pins.Summary()));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string PinCell(string? word) => word switch
    {
        "pinned" => "[green]pinned[/]",
        "changed" => "[red]changed[/]",
        "new" => "[yellow]new[/]",
        _ => "",
    };

    private static string Effect(string effect) => effect switch
    {
        "allowed" => "[green]allowed[/]",
        "denied" => "[red]denied[/]",
        "hidden" => "[grey]hidden[/]",
        "needs approval" => "[yellow]needs approval[/]",
        _ => "[blue]conditional[/]",
    };
}
