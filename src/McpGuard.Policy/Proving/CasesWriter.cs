using McpGuard.Policy.Decide;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Writes a cases file through YamlDotNet's emitter. Names and tools come from a server, so they are data:
/// every one is a double-quoted scalar the emitter escapes, never text pasted into YAML. The file is ASCII: the
/// emitter writes a bidi override or a zero-width character raw (an editor would show the name reordered), so
/// every character outside printable ASCII is escaped afterwards (<c>\u202E</c>); only the double-quoted
/// scalars can hold one, since our own keys, words and comments are ASCII.
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
        return AsciiOnly(text.ToString());
    }

    private static string AsciiOnly(string yaml)
    {
        var ascii = new System.Text.StringBuilder(yaml.Length);
        foreach (var rune in yaml.EnumerateRunes())
        {
            _ = rune.Value switch
            {
                '\n' or (>= ' ' and <= '~') => ascii.Append((char)rune.Value),
                <= 0xFFFF => ascii.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}"),
                _ => ascii.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\U{rune.Value:X8}"),
            };
        }

        return ascii.ToString();
    }

    // Our own keys and words: plain.
    private static void Plain(Emitter emitter, string value) =>
        emitter.Emit(new Scalar(null, null, value, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));

    private static void Quoted(Emitter emitter, string value) =>
        emitter.Emit(
            new Scalar(null, null, value, ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: true));
}
