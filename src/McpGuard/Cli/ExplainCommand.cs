using System.CommandLine;
using System.Text.Json;
using McpGuard.Inventory;
using McpGuard.Policy;

namespace McpGuard.Cli;

/// <summary><c>mcpguard explain --policy FILE --tool NAME [--args JSON]</c>: the decision for one call and every step to it.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var tool = new Option<string>("--tool") { Description = "The tool's name.", Required = true };
        var args = new Option<string>("--args") { Description = "The call's arguments as a JSON object.", DefaultValueFactory = _ => "{}" };
        var picked = new Option<bool>("--picked") { Description = "Judge it as a tool the client's model picked in a sampling answer (see `sampling:` in the policy)." };
        var command = new Command("explain", "Show the decision the policy makes for one call, and the rule and condition that made it.") { policyOption, tool, args, picked };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await ServerInspection.LoadPolicyAsync(parseResult.GetValue(policyOption)!, error) is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            JsonDocument arguments;
            try
            {
                arguments = JsonDocument.Parse(parseResult.GetValue(args)!);
            }
            catch (JsonException ex)
            {
                await error.WriteLineAsync($"mcpguard explain: --args is not JSON: {TerminalText.Printable(ex.Message)}");
                return ExitCodes.UsageOrPolicyError;
            }

            using (arguments)
            {
                if (arguments.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await error.WriteLineAsync("mcpguard explain: --args must be a JSON object.");
                    return ExitCodes.UsageOrPolicyError;
                }

                var engine = new PolicyEngine(policy);
                var request = new ToolRequest { ToolName = parseResult.GetValue(tool)!, Arguments = arguments.RootElement };
                var explanation = parseResult.GetValue(picked) ? engine.ExplainPicked(request) : engine.Explain(request);
                foreach (var step in explanation.Steps)
                {
                    await output.WriteLineAsync($"  {TerminalText.Printable(step)}");
                }

                var decision = explanation.Decision;
                var verdict = VerdictWords.Word(decision.Verdict);
                await output.WriteLineAsync(TerminalText.Printable($"decision: {verdict} by {decision.RuleId}{(decision.Reason is null ? "" : $": {decision.Reason}")}"));
                await output.WriteLineAsync("(limits are counted only when calls are forwarded; explain does not count them)");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
