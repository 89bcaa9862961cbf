using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Configuration;

// The benchmark's helpers, one process each:
//   backend --urls U                 a trivial upstream (what every proxy forwards to)
//   yarp --urls U --upstream B       bare YARP: one static catch-all route, nothing else
//   issuer --urls U --token-file F   discovery + JWKS for the gateway, and one access token in F
var mode = args.FirstOrDefault() ?? "";
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
        app.MapReverseProxy();
        app.Run();
        break;
    }
    case "issuer":
    {
        var tokenFile = builder.Configuration["token-file"] ?? throw new InvalidOperationException("--token-file is required");
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "bench" };
        var app = builder.Build();
        string Issuer() => app.Urls.First().TrimEnd('/') + "/";
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer(),
            ["jwks_uri"] = Issuer() + "jwks",
            ["authorization_endpoint"] = Issuer() + "connect/authorize",
            ["token_endpoint"] = Issuer() + "connect/token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var p = rsa.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        app.Lifetime.ApplicationStarted.Register(() => File.WriteAllText(tokenFile, new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer(),
            TokenType = "at+jwt",
            Expires = DateTime.UtcNow.AddHours(2),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "anna.larare",
                ["aud"] = "federation-gateway",
                ["roles"] = new[] { "larare" },
                ["school_units"] = new[] { "41526371" },
                ["given_name"] = "Anna",
                ["acr"] = "loa2",
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        })));
        app.Run();
        break;
    }
    default:
        Console.Error.WriteLine("usage: BenchKit backend|yarp|issuer [--urls U] [--upstream B] [--token-file F]");
        return 2;
}
return 0;
