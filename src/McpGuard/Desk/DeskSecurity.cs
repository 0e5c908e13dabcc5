using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Desk;

/// <summary>
/// Every request passes here first. The Host must be the loopback address and port the desk listens on
/// (a rebinding attacker's page sends its own host name); the guard API needs the guard key (from the per-user
/// secret); the
/// page's approve/deny posts need the page's CSRF token and must come from the page's own origin.
/// </summary>
internal sealed class DeskSecurity(string secret, string csrfToken)
{
    public const string CsrfHeader = "X-McpGuard-Csrf";

    /// <summary>The cookie that carries the page key once the desk's address (with <c>?key=</c>) was opened.</summary>
    public const string KeyCookie = "mcpguard-desk-key";

    private readonly string _pageKey = DeskFiles.PageKey(secret);
    private readonly string _guardKey = DeskFiles.GuardKey(secret);

    public string CsrfToken => csrfToken;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var origin = $"http://{context.Request.Host.Value}";
        if (!IsLoopbackHost(context))
        {
            await RefuseAsync(
                context,
                StatusCodes.Status400BadRequest,
                "The Host header must be 127.0.0.1 or localhost with the desk's port.");
            return;
        }

        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Cache-Control"] = "no-store";
        if (context.Request.Path.StartsWithSegments("/api/guard"))
        {
            if (!SameSecret(context.Request.Headers[DeskFiles.GuardKeyHeader].ToString(), _guardKey))
            {
                await RefuseAsync(
                    context, StatusCodes.Status401Unauthorized, $"Missing or wrong {DeskFiles.GuardKeyHeader}.");
                return;
            }
        }
        else if (context.Request.Query["key"].ToString() is { Length: > 0 } key)
        {
            // The address `mcpguard desk` printed: keep the key in a cookie and drop it from the address bar.
            if (!SameSecret(key, _pageKey))
            {
                await RefuseAsync(
                    context,
                    StatusCodes.Status401Unauthorized,
                    "Wrong desk key. Open the address `mcpguard desk` printed.");
                return;
            }

            context.Response.Cookies.Append(
                KeyCookie, _pageKey, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            context.Response.Redirect(context.Request.Path, permanent: false);
            return;
        }
        else if (!SameSecret(context.Request.Cookies[KeyCookie] ?? "", _pageKey))
        {
            await RefuseAsync(
                context,
                StatusCodes.Status401Unauthorized,
                "Open the address `mcpguard desk` printed: it carries this user's desk key.");
            return;
        }
        else if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            if (!SameSecret(context.Request.Headers[CsrfHeader].ToString(), csrfToken) || !SameOrigin(context, origin))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused.");
                return;
            }
        }

        await next(context);
    }

    private static bool IsLoopbackHost(HttpContext context)
    {
        var host = context.Request.Host;
        return host.Port == context.Connection.LocalPort &&
               (string.Equals(host.Host, "127.0.0.1", StringComparison.Ordinal) ||
                string.Equals(host.Host, "localhost", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Browsers send Origin on every POST from a script and Sec-Fetch-Site where they support it: one of them must
    /// be there, and each one that is must say same origin. A post with neither did not come from the page.
    /// </summary>
    private static bool SameOrigin(HttpContext context, string origin)
    {
        var headers = context.Request.Headers;
        var sentOrigin = headers.Origin.ToString();
        var site = headers["Sec-Fetch-Site"].ToString();
        if (sentOrigin.Length == 0 && site.Length == 0)
        {
            return false;
        }

        return (sentOrigin.Length == 0 || string.Equals(sentOrigin, origin, StringComparison.OrdinalIgnoreCase)) &&
               (site.Length == 0 || string.Equals(site, "same-origin", StringComparison.Ordinal));
    }

    private static bool SameSecret(string sent, string expected) =>
        sent.Length > 0 && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected));

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }
}
