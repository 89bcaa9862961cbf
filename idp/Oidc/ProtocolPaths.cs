namespace Federation.Idp.Oidc;

/// <summary>
/// The OpenID Provider's endpoint paths, named once for OpenIddict and for the middleware that
/// treats protocol endpoints differently from the sign-in pages (localization, CORS, error pages).
/// </summary>
public static class ProtocolPaths
{
    public static readonly PathString Authorization = "/connect/authorize";
    public static readonly PathString Token = "/connect/token";
    public static readonly PathString UserInfo = "/connect/userinfo";
    public static readonly PathString Introspection = "/connect/introspect";
    public static readonly PathString Revocation = "/connect/revoke";
    public static readonly PathString EndSession = "/connect/endsession";
    public static readonly PathString WellKnown = "/.well-known";

    /// <summary>The form OpenIddict takes: relative to the issuer, without the leading slash.</summary>
    public static string RelativeToIssuer(PathString path) => path.Value![1..];
}
