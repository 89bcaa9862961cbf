using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Configuration;

// The benchmark's helpers, one process each:
//   backend --urls U                 a trivial upstream (what every proxy forwards to)
//   yarp --urls U --upstream B       bare YARP: one static catch-all route, nothing else
//   issuer --urls U --token-file F   a minimal OpenID provider for the gateway: discovery, JWKS,
//                                    authorize (signs anna.larare in at once, form_post), token
//                                    (client secret + PKCE checked), userinfo; one access token in F
//   signin --gateway G --path P --cookie-file F
//                                    a browser's sign-in at the gateway through that issuer; writes
//                                    the Cookie header the gateway's session gives it to F
//   allocations --trace T --requests N
//                                    reads a dotnet-trace file with the runtime's allocation
//                                    samples (gc-verbose) and prints where the bytes were allocated
var mode = args.FirstOrDefault() ?? "";
if (mode == "allocations")
{
    return AllocationReport.Print(args[1..]);
}
var builder = WebApplication.CreateSlimBuilder(args.Skip(1).ToArray());
builder.Logging.ClearProviders();

switch (mode)
{
    case "backend":
    {
        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        app.MapGet("/{**rest}", () => "Hej från skolans system\n");
        app.Run();
        break;
    }
    case "yarp":
    {
        var upstream = builder.Configuration["upstream"] ?? throw new InvalidOperationException("--upstream is required");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/bench/{**rest}" }, Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = "/bench" }] }],
            [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = upstream } } }]);
        var app = builder.Build();
        // Bytes this process has allocated so far, for the benchmark's allocations per request.
        app.MapGet("/_bench/allocated", () => GC.GetTotalAllocatedBytes(precise: true));
        app.MapReverseProxy();
        app.Run();
        break;
    }
    case "issuer":
    {
        var tokenFile = builder.Configuration["token-file"] ?? throw new InvalidOperationException("--token-file is required");
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "bench" };
        var credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        var codes = new ConcurrentDictionary<string, (string Nonce, string Challenge, string RedirectUri)>();
        var refreshTokens = new ConcurrentDictionary<string, byte>();
        var app = builder.Build();
        string Issuer() => app.Urls.First().TrimEnd('/') + "/";
        // The demo teacher of the benchmark, as the idp would describe her.
        var anna = new Dictionary<string, object>
        {
            ["sub"] = "anna.larare",
            ["roles"] = new[] { "larare" },
            ["school_units"] = new[] { "41526371" },
            ["given_name"] = "Anna",
            ["acr"] = "loa2",
        };
        string Token(string type, string audience, IDictionary<string, object> extra) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer(),
            TokenType = type,
            Expires = DateTime.UtcNow.AddHours(2),
            Claims = new Dictionary<string, object>(anna.Concat(extra)) { ["aud"] = audience },
            SigningCredentials = credentials,
        });
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer(),
            ["jwks_uri"] = Issuer() + "jwks",
            ["authorization_endpoint"] = Issuer() + "connect/authorize",
            ["token_endpoint"] = Issuer() + "connect/token",
            ["userinfo_endpoint"] = Issuer() + "connect/userinfo",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "form_post", "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var p = rsa.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        // Anna is signed in at once; the code goes back to the client with response_mode=form_post.
        app.MapGet("/connect/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            {
                return Results.BadRequest("code + PKCE (S256) only");
            }
            var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            codes[code] = (q["nonce"].ToString(), q["code_challenge"].ToString(), q["redirect_uri"].ToString());
            var html = $"""<html><body onload="document.forms[0].submit()"><form method="post" action="{WebUtility.HtmlEncode(q["redirect_uri"])}"><input type="hidden" name="code" value="{code}"/><input type="hidden" name="state" value="{WebUtility.HtmlEncode(q["state"])}"/></form></body></html>""";
            return Results.Content(html, "text/html");
        });
        app.MapPost("/connect/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var secretOk = form["client_secret"] == "bench-secret"
                           || request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("federation-gateway:bench-secret"));
            if (secretOk && form["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange" && refreshTokens.ContainsKey(form["subject_token"].ToString()))
            {
                // The gateway's per-system token (once per session and system): Anna, for that system.
                return Results.Json(new
                {
                    access_token = Token("at+jwt", form["audience"].ToString(), new Dictionary<string, object>()),
                    token_type = "Bearer",
                    expires_in = 7200,
                    issued_token_type = "urn:ietf:params:oauth:token-type:access_token",
                });
            }
            if (!secretOk || !codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"]
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            var refreshToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            refreshTokens[refreshToken] = 0;
            return Results.Json(new
            {
                access_token = Token("at+jwt", "federation-gateway", new Dictionary<string, object>()),
                token_type = "Bearer",
                expires_in = 7200,
                refresh_token = refreshToken,
                id_token = Token("JWT", "federation-gateway", new Dictionary<string, object> { ["nonce"] = grant.Nonce }),
            });
        });
        app.MapGet("/connect/userinfo", () => Results.Json(anna));
        app.Lifetime.ApplicationStarted.Register(() => File.WriteAllText(tokenFile, Token("at+jwt", "federation-gateway", new Dictionary<string, object>())));
        app.Run();
        break;
    }
    case "signin":
    {
        // What a browser does: follow the gateway to the issuer, submit the form_post page back.
        var gateway = new Uri(builder.Configuration["gateway"] ?? throw new InvalidOperationException("--gateway is required"));
        var path = builder.Configuration["path"] ?? "/";
        var cookieFile = builder.Configuration["cookie-file"] ?? throw new InvalidOperationException("--cookie-file is required");
        var jar = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = jar });
        http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var challenge = await http.GetAsync(new Uri(gateway, path));
        if (challenge.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"expected the gateway's sign-in redirect, got {(int)challenge.StatusCode}");
        }
        var page = await http.GetStringAsync(challenge.Headers.Location);
        string Field(string name) => WebUtility.HtmlDecode(Regex.Match(page, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value);
        var action = WebUtility.HtmlDecode(Regex.Match(page, "action=\"([^\"]*)\"").Groups[1].Value);
        using var callback = await http.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = Field("code"), ["state"] = Field("state") }));
        if (callback.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"the gateway's callback answered {(int)callback.StatusCode}: {await callback.Content.ReadAsStringAsync()}");
        }
        var session = jar.GetCookies(gateway).Where(c => c.Name.StartsWith("federation.session", StringComparison.Ordinal)).ToList();
        if (session.Count == 0)
        {
            throw new InvalidOperationException("no session cookie");
        }
        var header = string.Join("; ", session.Select(c => c.Name + "=" + c.Value));
        File.WriteAllText(cookieFile, header);
        Console.WriteLine($"session cookie: {session.Count} part(s), {header.Length} bytes");
        break;
    }
    default:
        Console.Error.WriteLine("usage: BenchKit backend|yarp|issuer|signin|allocations [--urls U] [--upstream B] [--token-file F] [--gateway G --path P --cookie-file F] [--trace T --requests N]");
        return 2;
}
return 0;
