using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Federation.Gateway.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Federation.Gateway.Tests.Identity;

/// <summary>
/// The gateway's authentication middleware asks the OpenID Connect handler only on its own paths,
/// authenticates every other request with the default scheme as the framework would, and is not
/// preceded by the framework's middleware that WebApplication adds by itself.
/// </summary>
public sealed class GatewayAuthenticationMiddlewareTests
{
    private sealed class CountingHandlers(IAuthenticationSchemeProvider schemes) : IAuthenticationHandlerProvider
    {
        private readonly AuthenticationHandlerProvider _inner = new(schemes);

        public static ConcurrentDictionary<string, int> Asked { get; } = new();

        public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme)
        {
            Asked.AddOrUpdate(context.Request.Path + " " + authenticationScheme, 1, (_, n) => n + 1);
            return _inner.GetHandlerAsync(context, authenticationScheme);
        }
    }

    /// <summary>Signs everyone in as "anna", so a request shows whether it was authenticated.</summary>
    private sealed class Everyone(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.Success(
            new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "anna")], Scheme.Name)), Scheme.Name)));
    }

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(bool secondRemoteScheme = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var authentication = builder.Services.AddAuthentication("everyone")
            .AddScheme<AuthenticationSchemeOptions, Everyone>("everyone", _ => { })
            .AddCookie("session")
            .AddOpenIdConnect(o => Configure(o, "/signin-oidc"));
        if (secondRemoteScheme)
        {
            authentication.AddOpenIdConnect("other", o => Configure(o, "/signin-other"));
        }
        // Scoped like the framework's: it keeps the request's handlers.
        builder.Services.AddScoped<IAuthenticationHandlerProvider, CountingHandlers>();
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseGatewayAuthentication();
        // A later step that takes the person away (as a revoked session would): authorization must see that.
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/downgraded", StringComparison.Ordinal))
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
            return next(context);
        });
        app.UseAuthorization();
        app.MapGet("/downgraded", () => "authorized").RequireAuthorization();
        app.MapGet("/system/{**rest}", (HttpContext context) => new
        {
            sub = context.User.FindFirst("sub")?.Value,
            result = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Succeeded,
        });
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    private static void Configure(OpenIdConnectOptions o, string callback)
    {
        o.CallbackPath = callback;
        o.SignInScheme = o.SignOutScheme = "session";
        o.ClientId = "gateway";
        o.ClientSecret = "secret";
        // A fixed configuration: nothing is fetched, and a bare callback fails inside the handler.
        o.Configuration = new OpenIdConnectConfiguration { AuthorizationEndpoint = "http://127.0.0.1:9/authorize", TokenEndpoint = "http://127.0.0.1:9/token" };
        o.Events.OnRemoteFailure = context =>
        {
            context.Response.StatusCode = StatusCodes.Status418ImATeapot;
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static int Asked(string path, string scheme) => CountingHandlers.Asked.GetValueOrDefault(path + " " + scheme);

    [Fact]
    public async Task A_proxied_request_is_authenticated_without_asking_the_sign_in_handler()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var path = "/system/" + Guid.NewGuid().ToString("N");

        var body = await client.GetStringAsync(path);

        Assert.Contains("\"sub\":\"anna\"", body, StringComparison.Ordinal);
        // Authorization finds the result instead of authenticating again.
        Assert.Contains("\"result\":true", body, StringComparison.Ordinal);
        Assert.Equal(1, Asked(path, "everyone"));
        // Neither this middleware nor one WebApplication might have added in front of it asked the OIDC handler.
        Assert.Equal(0, Asked(path, OpenIdConnectDefaults.AuthenticationScheme));
    }

    /// <summary>
    /// As the framework's feature: setting the user drops the stored result, so authorization
    /// judges the user that is there now, not the one authentication found.
    /// </summary>
    [Fact]
    public async Task A_user_replaced_after_authentication_is_the_one_authorization_sees()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;

        using var response = await client.GetAsync("/downgraded");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/signin-oidc")]
    [InlineData("/signout-callback-oidc")]
    [InlineData("/signout-oidc")]
    public async Task The_sign_in_handlers_own_paths_still_reach_it(string path)
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var before = Asked(path, OpenIdConnectDefaults.AuthenticationScheme);

        using var response = await client.GetAsync(path);

        Assert.Equal(before + 1, Asked(path, OpenIdConnectDefaults.AuthenticationScheme));
        if (path == "/signin-oidc")
        {
            // The handler ran its callback: a callback without state is a remote failure.
            Assert.Equal((HttpStatusCode)StatusCodes.Status418ImATeapot, response.StatusCode);
        }
    }

    [Fact]
    public async Task With_another_scheme_that_handles_requests_every_request_goes_to_the_framework()
    {
        var (app, client) = await StartAsync(secondRemoteScheme: true);
        await using var _ = app;
        var path = "/system/" + Guid.NewGuid().ToString("N");

        using var callback = await client.GetAsync("/signin-other");
        var body = await client.GetStringAsync(path);

        Assert.Equal((HttpStatusCode)StatusCodes.Status418ImATeapot, callback.StatusCode);
        Assert.Contains("\"sub\":\"anna\"", body, StringComparison.Ordinal);
        Assert.Equal(1, Asked(path, "other"));
        Assert.Equal(1, Asked(path, OpenIdConnectDefaults.AuthenticationScheme));
    }
}
