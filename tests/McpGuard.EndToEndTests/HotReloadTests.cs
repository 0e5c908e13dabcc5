using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests;

/// <summary>The running guard follows its policy file: valid versions take effect, broken ones are ignored.</summary>
public sealed class HotReloadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reload_HiddenSetChanges_ClientIsToldAndListsTheNewSet()
    {
        var notifications = System.Threading.Channels.Channel.CreateUnbounded<bool>();
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ToolListChangedNotification, (notification, cancellationToken) =>
                        notifications.Writer.WriteAsync(true, cancellationToken)),
                ],
            },
        };
        await using var guard = await GuardedServer.StartAsync(
            "version: 1\ndefault: allow\nhide: [echo]\n", GuardedServer.Everything(), options);
        Assert.DoesNotContain("echo", (await guard.Client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name));

        await File.WriteAllTextAsync(guard.PolicyPath, "version: 1\ndefault: allow\nhide: [get-sum]\n", Ct);

        // server-everything sends list_changed of its own after initialize, so wait for the notification
        // after which the listing shows the new hidden set.
        List<string> names;
        do
        {
            await notifications.Reader.ReadAsync(Ct).AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct);
            names = [.. (await guard.Client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name)];
        }
        while (!names.Contains("echo"));

        Assert.DoesNotContain("get-sum", names);
        var error = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(
            () => guard.Client.CallToolAsync("get-sum", cancellationToken: Ct).AsTask());
        Assert.Contains("Unknown tool: get-sum", error.Message);
    }

    [Fact]
    public async Task Reload_InvalidVersion_IsReportedAndTheOldPolicyStays()
    {
        await using var guard = await GuardedServer.StartAsync(
            "version: 1\ndefault: allow\ntools:\n  get-sum: deny\n", GuardedServer.Everything());
        await guard.Client.ListToolsAsync(cancellationToken: Ct);

        await File.WriteAllTextAsync(guard.PolicyPath, "version: 1\ndefualt: allow\n", Ct);
        await guard.WaitForStderrAsync("is invalid; the previous policy stays")
            .WaitAsync(TestConstants.DefaultTimeout, Ct);

        var denied = await guard.Client.CallToolAsync(
            "get-sum", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 }, cancellationToken: Ct);
        Assert.True(denied.IsError);
        Assert.Contains(guard.Stderr, line => line.Contains("defualt"));
    }
}
