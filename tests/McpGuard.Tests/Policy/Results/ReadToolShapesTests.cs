using System.Globalization;
using McpGuard.Policy.Results;

namespace McpGuard.Tests.Policy.Results;

/// <summary>
/// Generated shapes that read tools return in bulk (order and trade ids, hashes, base64 images, UUIDs, order-book
/// numbers), 2,000 of each from a fixed seed: every built-in detector's rate on each is asserted to be zero.
/// </summary>
public sealed class ReadToolShapesTests
{
    private const int Samples = 2000;

    public static TheoryData<string, string> Cases =>
        [.. from detector in BuiltInDetectors.Names from shape in s_shapes.Keys select (detector, shape)];

    private static readonly Dictionary<string, Func<Random, string>> s_shapes = new()
    {
        ["uuid"] = r => new Guid(Bytes(r, 16)).ToString(),
        ["sha256"] = r => Convert.ToHexStringLower(Bytes(r, 32)),
        ["sha1-upper"] = r => Convert.ToHexString(Bytes(r, 20)),
        ["base64-png"] = r => "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA" + Convert.ToBase64String(Bytes(r, 600)),
        ["bybit-order-id"] = r => $"{{\"orderId\":\"{Number(r, 19)}\",\"orderLinkId\":\"{new Guid(Bytes(r, 16))}\"}}",
        ["bybit-exec-id"] = r => $"{{\"execId\":\"{Number(r, 19)}\",\"execTime\":\"{Number(r, 13)}\"}}",
        ["bybit-order-book"] = OrderBook,
        ["bybit-kline"] = r => $"[\"{Number(r, 13)}\",\"{Price(r)}\",\"{Price(r)}\","
            + $"\"{Price(r)}\",\"{Price(r)}\",\"{Price(r)}\",\"{Price(r)}\"]",
        ["base62-cursor"] = r => "\"nextPageCursor\":\"" + Base62(r, 40) + "\"",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Detector_FindsNothing_InAShapeReadToolsReturn(string detector, string shape)
    {
        var random = new Random(25);
        BuiltInDetectors.TryFind(detector, out var found);
        var hits = Enumerable.Range(0, Samples).Select(_ => s_shapes[shape](random)).Where(found!.IsFoundIn).ToList();

        Assert.True(
            hits.Count == 0, $"{detector} found {hits.Count} of {Samples} {shape}, e.g. {hits.FirstOrDefault()}");
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Number(Random random, int digits) =>
        string.Concat(
            Enumerable.Range(0, digits).Select(i => (char)('0' + (i == 0 ? random.Next(1, 10) : random.Next(10)))));

    private static string Price(Random random) =>
        (random.NextDouble() * 100_000).ToString("0.########", CultureInfo.InvariantCulture);

    private static string Base62(Random random, int length) =>
        string.Concat(
            Enumerable.Range(0, length)
                .Select(_ => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[random.Next(62)]));

    private static string OrderBook(Random random)
    {
        var levels = Enumerable.Range(0, 25).Select(_ => $"[\"{Price(random)}\",\"{Price(random) }\"]");
        return $"{{\"s\":\"BTCUSDT\",\"b\":[{string.Join(",", levels)}],\"ts\":{Number(random, 13)}"
            + $",\"u\":{Number(random, 8)},\"seq\":{Number(random, 10)}}}";
    }
}
