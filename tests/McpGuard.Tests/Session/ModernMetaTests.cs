using System.Buffers;
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

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""", "legacy")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", "legacy")]
    [InlineData("""
        {"jsonrpc":"2.0","id":1,"method":"tools/call",
         "params":{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}
        """, "modern")]
    public void Era_ValidatedMessage_IsItsParamsEraEveryTimeItIsRead(string line, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ReplaceLineEndings(""));
        if (!ClientMessageValidator.Validate(new ReadOnlySequence<byte>(bytes)).Accepted(out var message))
        {
            Assert.Fail("the line was refused");
        }

        using var _ = message;
        var era = expected == "modern" ? ProtocolEra.Modern : ProtocolEra.Legacy;

        Assert.Equal(era, message.Era);
        Assert.Equal(era, message.Era);
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
