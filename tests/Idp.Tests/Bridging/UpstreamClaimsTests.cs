using Federation.Idp.Bridging;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Bridging;

/// <summary>
/// What an upstream may say about a person: roles only through the mapping, eppn and scoped
/// affiliations only in the upstream's scopes. Run on the idp's own <see cref="UpstreamAccounts"/>
/// (the one implementation for SAML and OIDC upstreams) and its real account store.
/// </summary>
[Collection(BridgingCollection.Name)]
public sealed class UpstreamClaimsTests(BridgingHosts hosts)
{
    private const string Eppn = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6";
    private const string ScopedAffiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9";
    private const string Role = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

    private async Task<Federation.Idp.Identity.FederationIdentity> SignInAsync(string protocol, ClaimsMapping mapping, Dictionary<string, IReadOnlyList<string>> attributes, IReadOnlyList<string>? declaredScopes = null)
    {
        using var scope = hosts.Idp.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UpstreamAccounts>();
        var subject = "upstream-" + Guid.NewGuid().ToString("N");
        if (protocol == "oidc")
        {
            attributes["sub"] = [subject]; // an OIDC upstream names the person by a claim, SAML by the NameID
        }
        var assertion = new UpstreamAssertion(protocol, protocol == "saml" ? BridgingHosts.SamlUpstream : BridgingHosts.OidcUpstream, subject,
            Federation.Idp.Saml.SamlNames.Loa2, DateTimeOffset.UtcNow, attributes, declaredScopes ?? []);
        return await accounts.SignInAsync(assertion, mapping, CancellationToken.None);
    }

    private static ClaimsMapping SamlMapping(Action<ClaimsMapping>? change = null)
    {
        var mapping = ClaimsMapping.SamlDefault();
        mapping.Roles = Role;
        change?.Invoke(mapping);
        return mapping;
    }

    [Theory]
    [InlineData("saml")]
    [InlineData("oidc")]
    public async Task An_upstream_asserting_register_admin_without_a_mapping_gets_no_such_role(string protocol)
    {
        var mapping = protocol == "saml" ? SamlMapping() : ClaimsMapping.OidcDefault();
        var identity = await SignInAsync(protocol, mapping, new() { [mapping.Roles!] = ["register-admin", "larare"] });

        Assert.Empty(identity.Roles);
    }

    [Fact]
    public async Task Roles_come_only_through_the_mapping_and_unmapped_values_are_dropped()
    {
        var mapping = SamlMapping(m => m.RoleValues["Teacher"] = "larare");

        var identity = await SignInAsync("saml", mapping, new() { [Role] = ["Teacher", "register-admin", "larare"] });

        Assert.Equal(["larare"], identity.Roles);
    }

    [Fact]
    public async Task Eppn_and_scoped_affiliations_outside_the_metadata_scope_are_dropped()
    {
        var identity = await SignInAsync("saml", SamlMapping(), new()
        {
            [Eppn] = ["rektor@other-kommun.example.se"],
            [ScopedAffiliation] = ["staff@other-kommun.example.se", "member@skola.example.se", "student@evil.skola.example.se"],
        }, declaredScopes: ["skola.example.se"]);

        Assert.Null(identity.Eppn);
        Assert.DoesNotContain("rektor", identity.UserName, StringComparison.Ordinal);
        Assert.Equal(["member@skola.example.se"], identity.Affiliations);
    }

    [Theory]
    [InlineData("anna@skola.example.se", true)]
    [InlineData("anna@SKOLA.example.se", true)]
    [InlineData("anna@sub.skola.example.se", false)]
    [InlineData("anna@skola.example.se.evil.example", false)]
    [InlineData("anna@evil@skola.example.se", false)]
    [InlineData("@skola.example.se", false)]
    [InlineData("anna", false)]
    public async Task Eppn_is_taken_only_in_a_declared_scope(string eppn, bool taken)
    {
        var identity = await SignInAsync("saml", SamlMapping(), new() { [Eppn] = [eppn] }, declaredScopes: ["skola.example.se"]);

        Assert.Equal(taken ? eppn : null, identity.Eppn);
    }

    [Fact]
    public async Task An_upstream_with_no_declared_or_configured_scope_gives_no_eppn()
    {
        var identity = await SignInAsync("oidc", ClaimsMapping.OidcDefault(), new() { ["eppn"] = ["anna@skola.example.se"], ["affiliation"] = ["member"] });

        Assert.Null(identity.Eppn);
        Assert.Equal(["member"], identity.Affiliations); // an unscoped affiliation speaks for no domain
    }

    [Fact]
    public async Task Configured_scopes_count_for_an_OIDC_upstream()
    {
        var mapping = ClaimsMapping.OidcDefault();
        mapping.AllowedScopes.Add("skola.example.se");

        var identity = await SignInAsync("oidc", mapping, new() { ["eppn"] = ["anna@skola.example.se"] });

        Assert.Equal("anna@skola.example.se", identity.Eppn);
    }

    [Fact]
    public void Scope_names_are_plain_domains()
    {
        Assert.True(ScopedValue.IsScopeName("skola.example.se"));
        Assert.False(ScopedValue.IsScopeName("*.example.se"));
        Assert.False(ScopedValue.IsScopeName("a@example.se"));
        Assert.False(ScopedValue.IsScopeName("^.*$"));
        Assert.False(ScopedValue.IsScopeName(""));
    }
}
