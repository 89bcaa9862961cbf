using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;

namespace Federation.Inventory.Tests.Register;

public sealed class DemoRegisterTests
{
    [Fact]
    public void The_register_is_a_system_of_its_own_with_a_public_client_for_its_administrators()
    {
        var register = Assert.Single(DemoRegister.Systems(), s => s.Id == "register");

        var client = register.Integration?.OidcClient;
        Assert.NotNull(client);
        Assert.Equal("federation-register", client.ClientId);
        Assert.Null(client.ClientSecret ?? client.ClientSecretHash); // public: the API reference page cannot keep a secret
        Assert.Equal(["authorization_code"], client.GrantTypes);
        Assert.Equal(["federation.register"], client.Scopes);
        Assert.Contains("http://127.0.0.1:5300/scalar/", client.RedirectUris);
        Assert.Contains("http://127.0.0.1:5300/signin-oidc", client.RedirectUris); // the register's pages
        // Only the register's people sign in to it at all; what each may do is RegisterPermissions.
        Assert.Equal([InventoryAuth.RegisterAdmin, RegisterPermissions.DataProtectionOfficer, RegisterPermissions.SystemOwner], register.Access.Roles);
        // Writes are authorised by the roles claim and owners matched by eppn, so the token must carry both.
        Assert.Contains("roles", register.Access.Release);
        Assert.Contains("eppn", register.Access.Release);
    }

    [Fact]
    public void Every_demo_system_passes_the_release_rule_and_the_other_register_rules()
    {
        foreach (var system in DemoRegister.Systems())
        {
            var errors = SystemValidator.Validate(SystemValidator.Normalize(system));
            Assert.True(errors.Count == 0, $"{system.Id}: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        }
    }

    [Fact]
    public void The_register_has_no_compliance_findings()
    {
        var register = DemoRegister.Systems().Where(s => s.Id == "register");
        Assert.Empty(ComplianceFindings.For(register, new DateOnly(2026, 11, 24)));
    }
}
