using McpGuard.Policy.Limits;

namespace McpGuard.Tests.State;

public sealed class MemoryCounterStoreTests : CounterStoreContract
{
    private readonly MemoryCounterStore _store = new();

    private protected override Task<ICounterStore> OpenAsync() => Task.FromResult<ICounterStore>(_store);

    [Fact]
    public async Task TryCount_ManyPerValuesOverTime_DropsCountersThatLeftTheirWindow()
    {
        // A prompt-injected agent can invent per values; memory follows what is in the windows, not history.
        for (var i = 0; i < 5000; i++)
        {
            await _store.TryCountAsync([Rate("tools.t", 1, $"symbol-{i}")], Start + TimeSpan.FromMinutes(i), Ct);
        }

        Assert.InRange(_store.CounterCount, 60, 60 + 1024);
    }
}
