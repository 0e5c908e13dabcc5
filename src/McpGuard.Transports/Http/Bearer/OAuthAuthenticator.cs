using System.Collections.Concurrent;
using System.Globalization;
using McpGuard.Http.OAuth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpGuard.Http.Bearer;

/// <summary>
/// The guard as an OAuth 2.1 resource server (docs/serve.md#oauth): a bearer token is a JWT whose signature verifies
/// with the issuer's published keys, whose <c>iss</c> is the issuer, whose <c>aud</c> is the guard's own resource,
/// which has not expired (and is not used before <c>nbf</c>), and which names its agent in <c>agent_claim</c>.
/// Unsigned tokens (<c>alg: none</c>) never pass. Opaque tokens are not JWTs, so they are refused.
/// </summary>
internal sealed class OAuthAuthenticator(GatewayAuth.OAuth settings, IssuerKeys keys, TimeProvider clock)
    : IRequestAuthenticator
{
    /// <summary>Longer names are refused: the agent is a counter's key, a log's field and a desk label.</summary>
    public const int MaxAgentLength = 200;

    /// <summary>The skew allowed on <c>exp</c> and <c>nbf</c>.</summary>
    private static readonly TimeSpan s_skew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>
    /// When accepted tokens stop being accepted, one source per second of expiry (tokens issued together share it),
    /// each removed once it fired: as many as distinct expiries of tokens in use.
    /// </summary>
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _expiries = new();

    public async ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (bearerToken is null)
        {
            return new AuthOutcome.Refused(false, "no bearer token");
        }

        TokenValidationResult result;
        try
        {
            result = await ValidateAsync(bearerToken, refresh: false, cancellationToken);
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // Signed with a key the cached set does not have: the issuer may have rotated its keys.
                result = await ValidateAsync(bearerToken, refresh: true, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OAuthException or HttpRequestException or TaskCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            return new AuthOutcome.Unavailable($"the authorization server's keys cannot be had: {ex.Message}");
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return new AuthOutcome.Refused(true, Why(result.Exception));
        }

        if (!token.TryGetPayloadValue<string>(settings.AgentClaim, out var agent)
            || agent is not { Length: > 0 and <= MaxAgentLength })
        {
            return new AuthOutcome.Refused(true, $"the token has no {settings.AgentClaim} claim naming its agent");
        }

        if (agent.Any(IsControlOrFormat))
        {
            // The agent is shown to the person who approves (the elicitation question is plain text) and logged: a
            // line break or a bidi override there would change what they read. agents.yaml names cannot hold them.
            return new AuthOutcome.Refused(
                true, $"the token's {settings.AgentClaim} claim holds control or format characters");
        }

        var granted = Scopes(token);
        var missing = settings.Scopes.Where(s => !granted.Contains(s)).ToList();
        return missing.Count == 0
            ? new AuthOutcome.Accepted(agent) { Expired = ExpiryOf(token.ValidTo) }
            : new AuthOutcome.MissingScope($"the token lacks the scope {string.Join(' ', missing)}");
    }

    private async Task<TokenValidationResult> ValidateAsync(
        string bearerToken, bool refresh, CancellationToken cancellationToken)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer.OriginalString,
            ValidAudience = settings.Audience,
            IssuerSigningKeys = await keys.GetAsync(refresh, cancellationToken),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) => WithinLifetime(notBefore, expires),
        };
        return await _handler.ValidateTokenAsync(bearerToken, parameters);
    }

    private static bool IsControlOrFormat(char c) => CharUnicodeInfo.GetUnicodeCategory(c)
        is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary><c>exp</c> and <c>nbf</c> against the guard's clock (tests move it), with 30 s of skew.</summary>
    private bool WithinLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return expires is { } exp && now - s_skew < exp && (notBefore is not { } nbf || nbf < now + s_skew);
    }

    /// <summary>
    /// Cancelled when a token of this <c>exp</c> stops being accepted (<see cref="WithinLifetime"/>): what its
    /// requests hold open (a GET stream, a listen, a call waiting) ends then (docs/serve.md#oauth).
    /// </summary>
    private CancellationToken ExpiryOf(DateTime expires)
    {
        var end = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) + s_skew;
        var key = end.ToUnixTimeSeconds();
        if (_expiries.TryGetValue(key, out var known))
        {
            return known.Token;
        }

        // However far away: a token that lives longer than a timer can wait (~49 days) is watched too.
        var source = ClockDeadline.At(end, clock);
        if (!_expiries.TryAdd(key, source))
        {
            source.Cancel();
            source.Dispose();
            return _expiries.TryGetValue(key, out known) ? known.Token : new CancellationToken(canceled: true);
        }

        source.Token.UnsafeRegister(
            static state =>
            {
                var (expiries, key) = ((ConcurrentDictionary<long, CancellationTokenSource>, long))state!;
                expiries.TryRemove(key, out _);
            },
            (_expiries, key));
        return source.Token;
    }

    /// <summary>
    /// The granted scopes: <c>scope</c>, space-separated (RFC 9068), or <c>scp</c>, an array (Okta) or one
    /// space-separated string (Microsoft Entra ID), which the token library reads as an array of that one string.
    /// </summary>
    private static HashSet<string> Scopes(JsonWebToken token)
    {
        if (token.TryGetPayloadValue<string>("scope", out var scope) && scope is not null)
        {
            return [.. scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }

        return token.TryGetPayloadValue<string[]>("scp", out var scp) && scp is not null
            ? [.. scp.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries))]
            : [];
    }

    /// <summary>Why a token did not hold, in words for the 401 (never the token itself).</summary>
    private static string Why(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => "the token is for another audience",
        SecurityTokenInvalidIssuerException => "the token is from another issuer",
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException =>
            "the token has expired or is not valid yet",
        SecurityTokenNoExpirationException => "the token has no exp",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
            "the token's signature does not verify",
        SecurityTokenMalformedException => "the token is not a JWT",
        _ => "the token is not valid",
    };
}
