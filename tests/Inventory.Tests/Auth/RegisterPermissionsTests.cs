using System.Security.Claims;
using Federation.Inventory.Auth;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Auth;

public sealed class RegisterPermissionsTests
{
    private static readonly Federation.Inventory.Domain.SystemRecord Owned = Samples.System("procapita") with { OwnerAccounts = ["olle.systemagare@skola.example.se"] };
    private static readonly Federation.Inventory.Domain.SystemRecord Other = Samples.System("schoolsoft") with { OwnerAccounts = ["someone.else@skola.example.se"] };

    private static RegisterPerson Person(string userName, params string[] roles) => RegisterPerson.From(new ClaimsPrincipal(new ClaimsIdentity(
        [new Claim("eppn", userName + "@skola.example.se"), .. roles.Select(r => new Claim("roles", r))], "test")));

    [Fact]
    public void The_administrator_creates_edits_imports_and_changes_owners()
    {
        var admin = Person("ulf.admin", "register-admin");
        Assert.True(RegisterPermissions.CanRead(admin));
        Assert.True(RegisterPermissions.CanCreate(admin));
        Assert.True(RegisterPermissions.CanEdit(admin, Other));
        Assert.True(RegisterPermissions.CanChange(admin, Owned, Owned with { OwnerAccounts = ["new.owner"] }));
        Assert.True(RegisterPermissions.CanImport(admin));
        Assert.True(RegisterPermissions.CanReadAudit(admin, Other));
    }

    [Fact]
    public void A_system_owner_edits_their_own_systems_only_and_never_who_owns_them()
    {
        var owner = Person("olle.systemagare", "systemagare");
        Assert.True(RegisterPermissions.CanRead(owner));
        Assert.True(RegisterPermissions.CanEdit(owner, Owned));
        Assert.True(RegisterPermissions.CanChange(owner, Owned, Owned with { Description = "Ny beskrivning" }));
        Assert.False(RegisterPermissions.CanEdit(owner, Other));
        Assert.False(RegisterPermissions.CanChange(owner, Owned, Owned with { OwnerAccounts = ["olle.systemagare@skola.example.se", "friend"] }));
        Assert.False(RegisterPermissions.CanCreate(owner));
        Assert.False(RegisterPermissions.CanImport(owner));
        Assert.True(RegisterPermissions.CanReadAudit(owner, Owned));
        Assert.False(RegisterPermissions.CanReadAudit(owner, Other));
        Assert.False(RegisterPermissions.CanReadWholeAudit(owner));
    }

    [Fact]
    public void Being_named_as_owner_without_the_owner_role_gives_no_edit_right()
    {
        var named = Person("olle.systemagare", "larare");
        Assert.False(RegisterPermissions.CanRead(named));
        Assert.False(RegisterPermissions.CanEdit(named, Owned));
    }

    [Fact]
    public void The_data_protection_officer_reads_everything_and_edits_nothing()
    {
        var dpo = Person("dana.dataskydd", "dataskyddsombud");
        Assert.True(RegisterPermissions.CanRead(dpo));
        Assert.True(RegisterPermissions.CanReadAudit(dpo, Other));
        Assert.True(RegisterPermissions.CanReadWholeAudit(dpo));
        Assert.False(RegisterPermissions.CanEdit(dpo, Other));
        Assert.False(RegisterPermissions.CanCreate(dpo));
    }

    [Fact]
    public void Anyone_else_may_not_use_the_register_pages()
    {
        var teacher = Person("anna.larare", "larare");
        Assert.False(RegisterPermissions.CanRead(teacher));
        Assert.False(RegisterPermissions.CanEdit(teacher, Other));
        Assert.False(RegisterPermissions.CanReadAudit(teacher, Other));
    }
}
