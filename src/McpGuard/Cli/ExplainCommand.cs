using System.CommandLine;
using System.Text.Json;
using McpGuard.Inventory;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Session;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard explain --policy FILE --tool NAME [--args JSON]</c>: the decision for one call and every step to it.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var tool = new Option<string>("--tool") { Description = "The tool's name.", Required = true };
        var args = new Option<string>("--args")
        {
            Description = "The call's arguments as a JSON object.",
            DefaultValueFactory = _ => "{}",
        };
        var picked = new Option<bool>("--picked")
        {
            Description = "Judge it as a tool the client's model picked in a sampling answer "
                + "(see `sampling:` in the policy).",
        };
        var serverName = CommonOptions.ServerName();
        var command = new Command(
            "explain", "Show the decision the policy makes for one call, and the rule and condition that made it.")
        {
            policyOption, tool, args, picked, serverName,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await ServerInspection.LoadPolicyAsync(
                    parseResult.GetValue(policyOption)!, error, "nothing was explained") is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            JsonDocument arguments;
            var text = parseResult.GetValue(args)!;
            try
            {
                // As strict as a running guard (docs/relay.md): a call with a duplicate key is refused there, so
                // explaining a decision on one of its values would explain what never happens.
                arguments = JsonDocument.Parse(text, new JsonDocumentOptions
                {
                    AllowDuplicateProperties = false, MaxDepth = ClientMessageValidator.MaxDepth,
                });
            }
            catch (JsonException ex)
            {
                // Which strict rule, and where: the parser's own message names neither for a duplicate key.
                var refusal = StrictJsonRefusal.Describe(
                    System.Text.Encoding.UTF8.GetBytes(text), ClientMessageValidator.MaxDepth, quoteName: true);
                await error.WriteLineAsync(refusal is null
                    ? $"mcpguard: --args is not JSON: {TerminalText.FirstLine(ex.Message)}"
                    : $"mcpguard: --args has {refusal}, which a guard refuses (-32600).");
                return ExitCodes.UsageOrPolicyError;
            }

            using (arguments)
            {
                if (arguments.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await error.WriteLineAsync("mcpguard: --args must be a JSON object.");
                    return ExitCodes.UsageOrPolicyError;
                }

                // The same decider as a running guard, which sees the named tool as listed by a server of that name.
                var steps = new List<string>();
                var decision = CallDecider.Decide(policy, new CallFacts
                {
                    ToolName = parseResult.GetValue(tool)!,
                    Arguments = arguments.RootElement,
                    Sight = ToolSight.Assumed.ByName,
                    ServerName = parseResult.GetValue(serverName),
                    Picked = parseResult.GetValue(picked),
                }, steps);

                // A running guard counts an allowed call next, and refuses one whose limits could never let it
                // through (a budget amount that is not a strict number of 0 or more, or over the max on its own, a
                // missing per argument), whatever its counters hold.
                if (decision is CallDecision.Allow { Why: CallVerdict.Allow } allowed
                    && CallDecider.NeverAllowed(policy, allowed.Request, allowed.Decision) is { } refused)
                {
                    steps.Add($"{refused.RuleId}: its limits refuse this call whatever they have counted");
                    decision = new CallDecision.Refuse(refused, CallVerdict.Deny) { Request = allowed.Request };
                }

                foreach (var step in steps)
                {
                    await output.WriteLineAsync($"  {TerminalText.Printable(step)}");
                }

                await output.WriteLineAsync(TerminalText.Printable($"decision: {DecisionWords.Summary(decision)}"));
                await output.WriteLineAsync(
                    "(limits are counted only when calls are forwarded; explain does not count them)");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
