using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace McpGuard.State;

/// <summary>
/// One of <see cref="RedisScripts"/>, sent by its SHA-1 (EVALSHA) with the digest computed once. Handing the
/// multiplexer the script's text instead makes it look the text up in its table of loaded scripts on every call,
/// hashing all 5 KB of it each time. A server that does not know the script yet (started, or flushed, since)
/// answers NOSCRIPT; then the text goes once, which loads it, and the digest serves again from the next call.
/// </summary>
internal sealed class RedisScript(string text)
{
    // SHA-1 is how Redis names a script (EVALSHA), not a security check.
#pragma warning disable CA5350
    private readonly byte[] _digest = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350

    public string Text { get; } = text;

    public async Task<RedisResult> EvaluateAsync(IDatabase database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_digest, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values);
        }
    }
}
