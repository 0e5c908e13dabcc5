using McpGuard.Policy.Results;

namespace McpGuard.Tests.Policy.Results;

/// <summary>Each built-in detector's rate on its corpus: every true positive found, no false positive.</summary>
public sealed class DetectorCorpusTests
{
    public static TheoryData<string> Detectors => [.. BuiltInDetectors.Names];

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Detector_FindsEveryTruePositive(string name)
    {
        var samples = DetectorCorpus.Read(name, positives: true);
        var missed = samples.Where(s => !Detector(name).IsFoundIn(s)).ToList();

        Assert.True(samples.Count >= 4, $"the {name} corpus is too small");
        Assert.Equal(0.0, Rate(missed.Count, samples.Count));
        Assert.Empty(missed);
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Detector_FindsNoFalsePositive(string name)
    {
        var samples = DetectorCorpus.Read(name, positives: false);
        var found = samples.Where(Detector(name).IsFoundIn).ToList();

        Assert.True(samples.Count >= 4, $"the {name} corpus is too small");
        Assert.Equal(0.0, Rate(found.Count, samples.Count));
        Assert.Empty(found);
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Detector_FindsNothingInTheOtherDetectorsFalsePositives(string name)
    {
        var others = BuiltInDetectors.Names.Where(n => n != name)
            .SelectMany(n => DetectorCorpus.Read(n, positives: false));

        Assert.DoesNotContain(others, Detector(name).IsFoundIn);
    }

    [Fact]
    public void Secrets_RedactsTheSecretAndKeepsTheName()
    {
        var scanner = new ResultRules { Redact = [Detector("secrets")] }.StartScan();

        var verdict = Assert.IsType<TextVerdict.Redacted>(
            scanner.Scan("""{"apiKey":"XuR8mK2pQ9vL3nT7wY","readOnly":0}"""));

        Assert.Equal("""{"apiKey":"[redacted: secrets]","readOnly":0}""", verdict.Text);
        Assert.Equal(1, scanner.Counts["secrets"]);
    }

    [Theory]
    [InlineData("private-keys", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----")]
    [InlineData("secrets", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("emails", "alice@example.com", "alice@example.com")]
    [InlineData("card-numbers", "4111 1111 1111 1111", "4111 1111 1111 1111")]
    [InlineData("ibans", "DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00")]
    public void Detector_MatchCoversTheWholeValue(string name, string first, string last)
    {
        var sample = DetectorCorpus.Read(name, positives: true).First(s => s.Contains(first, StringComparison.Ordinal));
        var found = new List<TextMatch>();
        Detector(name).Find(sample, found);

        var match = Assert.Single(found);
        Assert.Equal(sample.IndexOf(first, StringComparison.Ordinal), match.Start);
        Assert.Equal(sample.IndexOf(last, StringComparison.Ordinal) + last.Length, match.End);
    }

    private static TextDetector Detector(string name) =>
        BuiltInDetectors.TryFind(name, out var detector) ? detector : throw new ArgumentException(name);

    private static double Rate(int count, int total) => (double)count / total;
}
