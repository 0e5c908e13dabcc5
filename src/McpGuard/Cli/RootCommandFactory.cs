using System.CommandLine;

namespace McpGuard.Cli;

internal static class RootCommandFactory
{
    public static RootCommand Create() =>
        new("McpGuard: a policy guard between an AI agent and an MCP server, a local stdio one or a remote URL.")
        {
            RunCommand.Create(),
            ServeCommand.Create(),
            AgentsCommand.Create(),
            ToolsCommand.Create(),
            CheckCommand.Create(),
            ExplainCommand.Create(),
            InitCommand.Create(),
            WrapCommand.Create(),
            UnwrapCommand.Create(),
            DoctorCommand.Create(),
            AuditCommand.Create(),
            DeskCommand.Create(),
            LimitsCommand.Create(),
            TestCommand.Create(),
            ReplayCommand.Create(),
            PinCommand.Create(),
            LoginCommand.Create(),
        };
}
