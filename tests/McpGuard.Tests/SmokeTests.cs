namespace McpGuard.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Seed_Policy_Loads()
    {
        var result = McpGuard.Policy.PolicyLoader.LoadText("""{"version":"1","default":"deny","hide":["batch_cancel_order"]}""", "seed.json");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }
}
