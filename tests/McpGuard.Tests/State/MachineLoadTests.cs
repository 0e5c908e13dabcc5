using McpGuard.State;

namespace McpGuard.Tests.State;

/// <summary>The machine's load as a slow-connection line says it (<see cref="MachineLoad"/>).</summary>
public sealed class MachineLoadTests
{
    [Fact]
    public void Said_OnLinux_TheLoadAverageAndTheCores()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/loadavg is Linux's");

        Assert.Matches(
            $"^; this machine's load average was [0-9]+(\\.[0-9]{{1,2}})? on {Environment.ProcessorCount} cores$",
            MachineLoad.Said());
    }
}
