using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Hosting;

/// <summary>
/// What runs before each service's own pipeline (a startup filter, so every service gets it in the
/// same order without its Program knowing): forwarded headers from trusted proxies only, HSTS and
/// Secure cookies outside Development, and the management port's endpoints kept off the public port.
/// </summary>
internal sealed class TransportSecurity(
    IHostEnvironment environment,
    IOptions<ForwardedHeadersTrustOptions> trust,
    IOptions<ManagementOptions> management) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (trust.Value.KnownProxies.Count + trust.Value.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders(ForwardedHeaders(trust.Value));
        }
        if (management.Value.Port is { } port)
        {
            // The local port, not the Host header: a client on the public port chooses its Host.
            app.Use((context, nextMiddleware) =>
                ServiceDefaults.IsManagementPath(context.Request.Path) && context.Connection.LocalPort != port
                    ? Results.NotFound().ExecuteAsync(context)
                    : nextMiddleware(context));
        }
        if (!environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseCookiePolicy(new CookiePolicyOptions
            {
                MinimumSameSitePolicy = SameSiteMode.Unspecified,
                OnAppendCookie = context => MakeSecure(context.Context, context.CookieOptions),
                OnDeleteCookie = context => MakeSecure(context.Context, context.CookieOptions),
            });
        }
        next(app);
    };

    /// <summary>
    /// Every cookie is Secure, whatever scheme the request arrived with (TLS may end at a proxy),
    /// except on a loopback host name, where a browser's request never crosses a network.
    /// </summary>
    internal static void MakeSecure(HttpContext context, CookieOptions options)
    {
        if (!IsLoopbackHost(context.Request.Host.Host))
        {
            options.Secure = true;
        }
    }

    internal static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static ForwardedHeadersOptions ForwardedHeaders(ForwardedHeadersTrustOptions trust)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                               | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
        };
        // Only the configured ones: the framework's default trusts every loopback proxy.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in trust.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in trust.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        return options;
    }
}
