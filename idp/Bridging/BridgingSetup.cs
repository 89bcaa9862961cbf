using Federation.Hosting.Database;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Idp;
using Microsoft.AspNetCore.Authentication;

namespace Federation.Idp.Bridging;

/// <summary>SAML (both roles) and upstream OpenID Providers, all on the idp's one sign-in session.</summary>
public static class BridgingSetup
{
    /// <summary>
    /// The SAML library (<c>idp/Saml</c>: IdP towards downstream SPs, SP towards upstream IdPs) on the
    /// idp's database and its one sign-in session. Configuration: section <c>Saml</c>.
    /// </summary>
    public static IHostApplicationBuilder AddSaml(this IHostApplicationBuilder builder)
    {
        var saml = builder.Configuration.GetSection("Saml");
        builder.Services.AddFederationSaml(saml);
        // Unless SAML is given a database of its own, its tables live in the idp's database.
        builder.Services.PostConfigure<SamlOptions>(options =>
        {
            if (string.IsNullOrEmpty(saml["ConnectionString"]))
            {
                var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
                options.DatabaseProvider = database.IsPostgres ? DatabaseOptions.Postgres : DatabaseOptions.Sqlite;
                options.ConnectionString = database.ConnectionString is { Length: > 0 } cs ? cs : "Data Source=data/idp.db";
            }
        });
        builder.Services.AddScoped<ISamlSignInSession, FederationSamlSignInSession>();
        builder.Services.AddScoped<ISamlUpstreamSignIn, SamlUpstreamSignIn>();
        return builder;
    }

    /// <summary>Upstream OpenID Providers and the claims mapping of every upstream (section <c>Upstreams</c>).</summary>
    public static IHostApplicationBuilder AddBridging(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Upstreams");
        var samlNames = builder.Configuration.GetSection("Saml:Upstreams").GetChildren().Select(c => c["Name"]).ToHashSet(StringComparer.Ordinal);
        builder.Services.AddOptions<UpstreamOptions>().Bind(section).ValidateDataAnnotations()
            // The upstream's name keys the account link: a SAML and an OIDC upstream may not share one.
            .Validate(o => !o.Oidc.Any(u => samlNames.Contains(u.Name)), "Upstreams:Oidc names must differ from Saml:Upstreams names.")
            .ValidateOnStart();
        builder.Services.AddScoped<UpstreamAccounts>();
        builder.Services.AddSingleton<HomeRealms>();
        // The handlers are registered from the configuration as read now; a bad entry stops the start (validation above).
        var upstreams = section.Get<UpstreamOptions>() ?? new UpstreamOptions();
        new AuthenticationBuilder(builder.Services).AddOidcUpstreams(
            upstreams.Oidc.Where(u => u.Issuer is { IsAbsoluteUri: true } && !string.IsNullOrEmpty(u.Name)).ToList());
        return builder;
    }

    /// <summary>The <c>/saml</c> route group (<see cref="SamlEndpoints"/>).</summary>
    public static WebApplication MapSaml(this WebApplication app)
    {
        app.MapSamlEndpoints();
        return app;
    }

    /// <summary>The upstream OIDC login and callback endpoints.</summary>
    public static WebApplication MapBridging(this WebApplication app)
    {
        app.MapOidcUpstreams();
        return app;
    }
}
