using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

public sealed class ModernMetaTests
{
    [Theory]
    [InlineData("""{"name":"echo"}""", "legacy")]
    [InlineData("""{"name":"echo","_meta":{"progressToken":1}}""", "legacy")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}""", "legacy")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":2026}}""", "legacy")]
    [InlineData("""{"_meta":"2026-07-28"}""", "legacy")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}""", "modern")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2027-01-01"}}""", "modern")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol\/protocolVersion":"2026-07-28"}}""", "modern")]
    public void EraOf_Params_FollowsTheRequestsOwnRevision(string parameters, string expected)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.Equal(
            expected == "modern" ? ProtocolEra.Modern : ProtocolEra.Legacy, ModernMeta.EraOf(document.RootElement));
    }

    [Fact]
    public void EraOf_NoParams_Legacy()
    {
        Assert.Equal(ProtocolEra.Legacy, ModernMeta.EraOf(default));
    }

    [Fact]
    public void EnvelopeOf_ModernRequest_CopiesOnlyTheEnvelopeKeysVerbatim()
    {
        using var document = JsonDocument.Parse("""
            {"name":"echo","_meta":{"progressToken":"p1",
             "io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},
             "io.modelcontextprotocol/protocolVersion":"2026-07-28",
             "io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{}}}}}
            """);

        var envelope = ModernMeta.EnvelopeOf(document.RootElement);

        Assert.Equal(
            """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
                + """{"name":"c","version":"1"},"io.modelcontextprotocol/clientCapabilities":"""
                + """{"elicitation":{"form":{}}}}""",
            Encoding.UTF8.GetString(envelope!));
    }

    [Fact]
    public void EnvelopeOf_LegacyRequest_Null()
    {
        using var document = JsonDocument.Parse("""{"name":"echo","_meta":{"progressToken":"p1"}}""");

        Assert.Null(ModernMeta.EnvelopeOf(document.RootElement));
    }
}
