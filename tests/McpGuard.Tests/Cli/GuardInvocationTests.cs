using McpGuard.ClientConfig;

namespace McpGuard.Tests.Cli;

public sealed class GuardInvocationTests
{
    private const string StoreBinary =
        "/home/u/.dotnet/tools/.store/mcpguard/0.1.0/mcpguard.linux-x64/0.1.0/tools/any/linux-x64/mcpguard";

    [Fact]
    public void ToolShim_NativeToolInStore_ReturnsTheUnversionedShim()
    {
        var shim = GuardInvocation.ToolShim(StoreBinary, path => path == "/home/u/.dotnet/tools/mcpguard");

        Assert.Equal("/home/u/.dotnet/tools/mcpguard", shim);
    }

    [Fact]
    public void ToolShim_ShimMissing_ReturnsNull()
    {
        Assert.Null(GuardInvocation.ToolShim(StoreBinary, _ => false));
    }

    [Theory]
    [InlineData("/opt/mcpguard/bin/mcpguard")]
    [InlineData("/work/src/McpGuard/bin/Release/net10.0/linux-x64/publish/mcpguard")]
    [InlineData("/home/u/.store/other-tool/1.0/mcpguard")]
    public void ToolShim_NotInAToolStore_ReturnsNull(string processPath)
    {
        Assert.Null(GuardInvocation.ToolShim(processPath, _ => true));
    }
}
