using Federation.Core.Secrets;

namespace Federation.Core.Tests.Secrets;

public sealed class ClientSecretHashTests
{
    [Fact]
    public void A_hash_verifies_its_secret_only_and_does_not_contain_it()
    {
        var hash = ClientSecretHash.Create("klientens-hemlighet-123");

        Assert.DoesNotContain("klientens-hemlighet-123", hash, StringComparison.Ordinal);
        Assert.True(ClientSecretHash.IsWellFormed(hash));
        Assert.True(ClientSecretHash.Verify("klientens-hemlighet-123", hash));
        Assert.False(ClientSecretHash.Verify("klientens-hemlighet-124", hash));
        Assert.False(ClientSecretHash.Verify(hash, hash));
        Assert.NotEqual(hash, ClientSecretHash.Create("klientens-hemlighet-123")); // salted
    }

    [Theory]
    [InlineData("klientens-hemlighet-123")]
    [InlineData("pbkdf2-sha256$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$100000$not-base64$x")]
    [InlineData("")]
    public void Anything_else_is_no_hash_and_verifies_nothing(string value)
    {
        Assert.False(ClientSecretHash.IsWellFormed(value));
        Assert.False(ClientSecretHash.Verify(value, value));
    }
}
