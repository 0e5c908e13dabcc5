using McpGuard.Policy.Decide;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Writes a cases file through YamlDotNet's emitter. Names and tools come from a server, so they are data:
/// every one is a double-quoted scalar the emitter escapes, never text pasted into YAML.
/// </summary>
internal static class CasesWriter
{
    public static string Write(IEnumerable<string> headerComments, IEnumerable<StarterCase> cases)
    {
        var text = new StringWriter();
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        foreach (var comment in headerComments)
        {
            emitter.Emit(new Comment(comment, isInline: false));
        }

        emitter.Emit(new MappingStart());
        Plain(emitter, "cases");
        emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Block));
        foreach (var starter in cases)
        {
            emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
            Plain(emitter, "name");
            Quoted(emitter, starter.Name);
            Plain(emitter, "call");
            Quoted(emitter, starter.Tool);
            Plain(emitter, "expect");
            Plain(emitter, DecisionWords.ProvenWord(starter.Expect));
            emitter.Emit(new MappingEnd());
        }

        emitter.Emit(new SequenceEnd());
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    // Our own keys and words: plain.
    private static void Plain(Emitter emitter, string value) =>
        emitter.Emit(new Scalar(null, null, value, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));

    private static void Quoted(Emitter emitter, string value) =>
        emitter.Emit(
            new Scalar(null, null, value, ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: true));
}
