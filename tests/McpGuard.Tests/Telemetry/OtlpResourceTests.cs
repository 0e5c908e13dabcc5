using System.Reflection;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>The resource every span and metric carries, from the standard variables (docs/telemetry.md).</summary>
public sealed class OtlpResourceTests
{
    [Fact]
    public void Default_ServiceMcpguard_WithVersionInstanceAndSdk()
    {
        var resource = Read(new Dictionary<string, string>());

        Assert.Equal("mcpguard", resource["service.name"]);
        // What `mcpguard --version` prints (0.1.0+COMMIT), not the assembly's 0.1.0.0 (qa31).
        Assert.Equal(
            typeof(McpGuard.Cli.VersionAnswer).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion,
            resource["service.version"]);
        Assert.Contains('+', resource["service.version"]);
        Assert.True(Guid.TryParse(resource["service.instance.id"], out _));
        Assert.Equal("dotnet", resource["telemetry.sdk.language"]);
        Assert.Contains("telemetry.sdk.name", resource.Keys);
    }

    [Fact]
    public void Variables_ServiceNameAndAddedAttributes_NotTheGuardsOwn()
    {
        var resource = Read(new Dictionary<string, string>
        {
            ["OTEL_SERVICE_NAME"] = "orders-guard",
            ["OTEL_RESOURCE_ATTRIBUTES"] =
                "deployment.environment=prod%20eu, team=trading,service.instance.id=x,broken",
        });

        Assert.Equal("orders-guard", resource["service.name"]);
        Assert.Equal("prod eu", resource["deployment.environment"]);
        Assert.Equal("trading", resource["team"]);
        Assert.NotEqual("x", resource["service.instance.id"]);
        Assert.DoesNotContain("broken", resource.Keys);
    }

    private static Dictionary<string, string> Read(Dictionary<string, string> environment) =>
        OtlpResource.FromEnvironment(name => environment.GetValueOrDefault(name))
            .ToDictionary(a => a.Key, a => (string)a.Value, StringComparer.Ordinal);
}
