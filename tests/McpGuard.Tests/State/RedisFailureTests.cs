using McpGuard.State;
using StackExchange.Redis;

namespace McpGuard.Tests.State;

/// <summary>
/// A Redis failure in a denial or in <c>limits</c> says what went wrong, without the library's diagnostic.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public void Describe_RefusedConnection_KeepsTheOperationAndTheCause()
    {
        // The message a guard got with nothing listening on the store's port (StackExchange.Redis 2.x).
        var exception = new RedisException(
            "No connection is active/available to service this operation: EVALSHA; Connection refused, mc: 1/1/0, "
                + "clientName: mcpguard, IOCP: (Busy=0,Free=1000,Min=1,Max=1000), WORKER: (Busy=1,Free=32766,Min=2,"
                + "Max=32767), POOL: (Threads=2,QueuedItems=0,CompletedItems=10,Timers=4), v: 3.4.35.20751");

        Assert.Equal(
            "No connection is active/available to service this operation: EVALSHA; Connection refused",
            RedisFailure.Describe(exception));
    }

    [Fact]
    public void Describe_Timeout_KeepsWhatTimedOut()
    {
        var exception = new RedisException(
            "Timeout performing EVALSHA (5000ms), next: EVALSHA, inst: 0, qu: 0, qs: 1, aw: False, rs: ReadAsync, "
                + "ws: Idle, in: 0, serverEndpoint: 127.0.0.1:6379, mc: 1/1/0, IOCP: (Busy=0), v: 2.13.4");

        Assert.Equal("Timeout performing EVALSHA (5000ms)", RedisFailure.Describe(exception));
    }

    [Fact]
    public void Describe_ConnectionLost_KeepsWhereItFailed()
    {
        // A guard's call while the Redis server it was connected to had just been killed (StackExchange.Redis 3.4).
        var exception = new RedisException(
            "No connection is active/available to service this operation: EVALSHA; SocketClosed on "
                + "127.0.0.1:16390/Subscription, Idle/RanToCompletion, last: SUBSCRIBE, origin: ReadAllAsync, "
                + "outstanding: 0, last-read: 0s ago, last-write: 12s ago, keep-alive: 60s, state: "
                + "ConnectedEstablished, in: 0, in-pipe: 0, last-heartbeat: 0s ago, last-mbeat: 0s ago, "
                + "global: 0s ago");

        Assert.Equal(
            "No connection is active/available to service this operation: EVALSHA; SocketClosed on "
                + "127.0.0.1:16390/Subscription",
            RedisFailure.Describe(exception));
    }

    [Fact]
    public void Describe_AMessageWithoutADiagnostic_IsKeptWhole()
    {
        var exception = new RedisException("NOAUTH Authentication required.");

        Assert.Equal("NOAUTH Authentication required.", RedisFailure.Describe(exception));
    }
}
