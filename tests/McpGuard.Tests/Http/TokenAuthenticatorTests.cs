using System.Security.Cryptography;
using System.Text;
using McpGuard.Composition;
using McpGuard.Http;
using McpGuard.Http.Bearer;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Http;

/// <summary>
/// Tokens from agents.yaml: a connection's header is remembered while the file is unchanged, never past a change of
/// the file or for another header.
/// </summary>
public sealed class TokenAuthenticatorTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly TokenAuthenticator _authenticator;
    private readonly Dictionary<object, object?> _connection = [];

    public TokenAuthenticatorTests()
    {
        WriteAgents(("alice", "mcpg_alice"), ("bob", "mcpg_bob"));
        _authenticator = new TokenAuthenticator(_home.File("agents.yaml"), ServeOptionsResolver.ReadAgents);
    }

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task SameHeaderAgain_NamesTheSameAgent()
    {
        Assert.Equal("alice", Agent(await AuthenticateAsync("Bearer mcpg_alice")));
        Assert.Single(_connection);

        // A new string with the same text, as the next request on the connection brings it.
        Assert.Equal("alice", Agent(await AuthenticateAsync(new string("Bearer mcpg_alice"))));
    }

    [Fact]
    public async Task AnotherHeaderOnTheConnection_IsCheckedOnItsOwn()
    {
        await AuthenticateAsync("Bearer mcpg_alice");

        Assert.Equal("bob", Agent(await AuthenticateAsync("Bearer mcpg_bob")));
        Assert.IsType<AuthOutcome.Refused>(await AuthenticateAsync("Bearer mcpg_alicf"));
        Assert.IsType<AuthOutcome.Refused>(await AuthenticateAsync("Bearer mcpg_blice"));
        Assert.IsType<AuthOutcome.Refused>(await AuthenticateAsync("Cearer mcpg_alice"));
        Assert.Equal("alice", Agent(await AuthenticateAsync("Bearer mcpg_alice")));
        Assert.Equal(new AuthOutcome.Refused(false, "no bearer token"), await AuthenticateAsync(null));
    }

    [Fact]
    public async Task RevokedAfterItWasRemembered_IsRefusedFromTheNextRequest()
    {
        await AuthenticateAsync("Bearer mcpg_alice");

        WriteAgents(("bob", "mcpg_bob"));

        Assert.Equal(
            new AuthOutcome.Refused(true, "unknown or revoked token"), await AuthenticateAsync("Bearer mcpg_alice"));
    }

    [Fact]
    public async Task MissingFile_SaidOnceAtStart_NobodyAdmitted()
    {
        var logger = new CapturingLogger();

        var authenticator = new TokenAuthenticator(_home.File("missing.yaml"), ServeOptionsResolver.ReadAgents, logger);

        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("missing.yaml does not exist: nobody is admitted until `mcpguard agents add`", message);
        Assert.IsType<AuthOutcome.Refused>(
            await authenticator.AuthenticateAsync("mcpg_alice", TestContext.Current.CancellationToken));
        Assert.Single(logger.Entries);
    }

    [Fact]
    public async Task BrokenFile_SaidWithWhereAndWhat_NobodyAdmitted()
    {
        var logger = new CapturingLogger();
        var authenticator = new TokenAuthenticator(_home.File("agents.yaml"), ServeOptionsResolver.ReadAgents, logger);
        File.WriteAllText(_home.File("agents.yaml"), "agents:\n  - name: alice\n    sha256: nothex\n");
        File.SetLastWriteTimeUtc(_home.File("agents.yaml"), DateTime.UtcNow.AddMinutes(1));

        Assert.IsType<AuthOutcome.Refused>(
            await authenticator.AuthenticateAsync("mcpg_alice", TestContext.Current.CancellationToken));

        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("agents.yaml:", message, StringComparison.Ordinal);
        Assert.Contains(
            "a sha256 of 64 hex digits; nobody is admitted until it is fixed", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_EndsWhatItsTokenOpened_NotWhatAnotherTokenOpened()
    {
        var alice = Revoked(await AuthenticateAsync("Bearer mcpg_alice"));
        var bob = Revoked(await AuthenticateAsync("Bearer mcpg_bob"));
        var aliceEnded = Ended(alice);

        WriteAgents(("bob", "mcpg_bob"));
        await AuthenticateAsync("Bearer mcpg_bob");

        await aliceEnded.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(bob.IsCancellationRequested);
        Assert.Equal(bob, Revoked(await AuthenticateAsync("Bearer mcpg_bob")));
    }

    [Fact]
    public async Task ReaddedUnderItsNameWithANewToken_TheOldTokensGrantEnds()
    {
        var old = Revoked(await AuthenticateAsync("Bearer mcpg_alice"));
        var ended = Ended(old);

        // A third agent too: the file's length changes, whatever its time's resolution.
        WriteAgents(("alice", "mcpg_alice2"), ("bob", "mcpg_bob"), ("carol", "mcpg_carol"));
        var renewed = await AuthenticateAsync("Bearer mcpg_alice2");

        await ended.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal("alice", Agent(renewed));
        Assert.False(Revoked(renewed).IsCancellationRequested);
    }

    [Fact]
    public async Task FileWatched_ARevocationEndsGrantsWithoutARequest()
    {
        var alice = Revoked(await AuthenticateAsync("Bearer mcpg_alice"));
        var ended = Ended(alice);
        using var stop = new CancellationTokenSource();
        var watch = _authenticator.WatchAsync(TimeSpan.FromMilliseconds(20), stop.Token);

        WriteAgents(("bob", "mcpg_bob"));

        await ended.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
    }

    [Fact]
    public async Task BrokenFile_EndsEveryGrant()
    {
        var alice = Ended(Revoked(await AuthenticateAsync("Bearer mcpg_alice")));
        var bob = Ended(Revoked(await AuthenticateAsync("Bearer mcpg_bob")));

        File.WriteAllText(_home.File("agents.yaml"), "agents:\n  - name: alice\n    sha256: nothex\n");
        File.SetLastWriteTimeUtc(_home.File("agents.yaml"), DateTime.UtcNow.AddMinutes(1));
        await AuthenticateAsync("Bearer mcpg_bob");

        await Task.WhenAll(alice, bob).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private static string Agent(AuthOutcome outcome) => Assert.IsType<AuthOutcome.Accepted>(outcome).Agent;

    private static CancellationToken Revoked(AuthOutcome outcome) =>
        Assert.IsType<AuthOutcome.Accepted>(outcome).Revoked;

    /// <summary>Completes when <paramref name="revoked"/> fires (the revocation runs on the thread pool).</summary>
    private static Task Ended(CancellationToken revoked)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        revoked.Register(ended.SetResult);
        return ended.Task;
    }

    private async Task<AuthOutcome> AuthenticateAsync(string? authorization) =>
        await _authenticator.AuthenticateAsync(authorization, _connection, CancellationToken.None);

    private void WriteAgents(params (string Name, string Token)[] agents)
    {
        var text = new StringBuilder("agents:\n");
        foreach (var (name, token) in agents)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
            text.Append($"  - name: \"{name}\"\n    sha256: {hash}\n    added: \"2026-01-01T00:00:00Z\"\n");
        }

        File.WriteAllText(_home.File("agents.yaml"), text.ToString());
    }
}
