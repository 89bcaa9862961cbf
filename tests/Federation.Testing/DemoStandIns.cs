namespace Federation.Testing;

/// <summary>
/// The demo's stand-ins for the register's systems (demo/), started as the processes <c>run.sh</c>
/// starts, on ports the OS chooses: a gateway backend, the e-service that is an OIDC relying party
/// of its own, and the Schoolsoft SAML service provider.
/// </summary>
public static class DemoStandIns
{
    /// <summary>The demo signing key of a backend, as in the gateway's appsettings.Development.json.</summary>
    public static string DemoSigningKey(string systemId) => $"{systemId}-demo-signing-key-change-me-0123456789";

    /// <summary>demo/Backend as <paramref name="systemId"/>, verifying the gateway's signature with the system's demo key.</summary>
    public static Task<ServiceProcess> StartBackendAsync(string systemId, string displayName, IDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Federation__SystemId"] = systemId,
            ["Federation__DisplayName"] = displayName,
            ["Federation__SigningKey"] = DemoSigningKey(systemId),
        };
        return ServiceProcess.StartAsync(systemId, ServiceProcess.LocateDll("demo/Backend", "Federation.Demo.Backend.dll"), 0, settings);
    }

    /// <summary>demo/EService (client <c>e-skolskjuts</c>, loa3) signing in at <paramref name="idp"/>.</summary>
    public static Task<ServiceProcess> StartEServiceAsync(Uri idp, IDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["EService__Authority"] = idp.AbsoluteUri,
        };
        return ServiceProcess.StartAsync("e-skolskjuts", ServiceProcess.LocateDll("demo/EService", "Federation.Demo.EService.dll"), 0, settings);
    }

    /// <summary>demo/SchoolsoftStandIn (Node; <c>npm ci</c> by test.sh) trusting the idp's metadata at <paramref name="idp"/>.</summary>
    public static Task<ServiceProcess> StartSchoolsoftAsync(Uri idp) =>
        ServiceProcess.StartNodeAsync("schoolsoft", "demo/SchoolsoftStandIn/server.mjs", new Dictionary<string, string>
        {
            ["IDP_METADATA_URL"] = new Uri(idp, "saml/metadata").AbsoluteUri,
        });
}
