using System.Text.Json;
using McpGuard.Relay;

namespace McpGuard.Tests.Relay;

public sealed class SamplingWithToolsTests
{
    [Theory]
    [InlineData("""{"messages":[],"maxTokens":5,"tools":[{"name":"x","inputSchema":{}}]}""", true)]
    [InlineData("""{"messages":[],"maxTokens":5,"tools":[]}""", false)]
    [InlineData("""{"messages":[],"maxTokens":5}""", false)]
    [InlineData("""{"messages":[],"tools":{"name":"x"}}""", false)]
    public void OffersTools_SamplingParams_OnlyANonEmptyToolList(string parameters, bool offers)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.Equal(offers, SamplingWithTools.OffersTools(document.RootElement));
    }

    [Theory]
    [InlineData("""{"resultType":"input_required","inputRequests":{"pick":{"method":"sampling/createMessage","params":{"messages":[],"tools":[{"name":"x"}]}}}}""", true)]
    [InlineData("""{"resultType":"input_required","inputRequests":{"a":{"method":"elicitation/create","params":{"tools":[{"name":"x"}]}},"b":{"method":"sampling/createMessage","params":{"messages":[]}}}}""", false)]
    [InlineData("""{"resultType":"input_required","inputRequests":{"a":{"method":"elicitation/create"},"b":{"method":"sampling\/createMessage","params":{"tools":[{}]}}}}""", true)]
    [InlineData("""{"resultType":"input_required","requestState":"s"}""", false)]
    public void AmongInputRequests_Round_FindsSamplingWithTools(string result, bool found)
    {
        using var document = JsonDocument.Parse(result);

        Assert.Equal(found, SamplingWithTools.AmongInputRequests(document.RootElement));
    }
}
