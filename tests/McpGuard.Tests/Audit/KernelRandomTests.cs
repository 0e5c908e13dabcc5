namespace McpGuard.Tests.Audit;

/// <summary>
/// KernelRandom draws the audit session ids and the approval key: every byte of a draw filled (getentropy gives at
/// most 256 bytes a call), and no two draws alike.
/// </summary>
public sealed class KernelRandomTests
{
    [Fact]
    public void GetBytes_MoreThanOneCallOfTheKernel_FillsEveryChunk()
    {
        var bytes = KernelRandom.GetBytes(1000);

        // The chance that a random 24-byte run is all zero is 2^-192: each chunk's last bytes prove it was written.
        foreach (var end in new[] { 256, 512, 768, 1000 })
        {
            Assert.Contains(bytes.AsSpan(end - 24, 24).ToArray(), b => b != 0);
        }
    }

    [Fact]
    public void GetBytes_TwoDraws_Differ()
    {
        Assert.NotEqual(KernelRandom.GetBytes(32), KernelRandom.GetBytes(32));
    }
}
