using Federation.Core.Configuration;
using Microsoft.Extensions.Hosting;

namespace Federation.Core.Tests.Configuration;

/// <summary>The one rule every service applies on start: no README value outside Development.</summary>
public sealed class DemoValuesTests
{
    private static HostApplicationBuilder Builder(string environment, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        return builder;
    }

    [Theory]
    [InlineData("Identity:ClientSecret", "gateway-demo-secret")]
    [InlineData("Feed:Credentials:ClientSecret", "gateway-demo-secret")]
    [InlineData("Gateway:Backends:procapita:SigningKey", "procapita-demo-signing-key-change-me-0123456789")]
    [InlineData("Feed:Credentials:ClientSecret", "ils-demo-secret")]
    [InlineData("Audit:Key", DemoValues.DevelopmentAuditKey)]
    public void The_gateway_idp_and_register_settings_with_a_demo_value_are_refused_by_name(string setting, string value)
    {
        var error = new StringWriter();

        Assert.True(Builder("Production", (setting, value), ("Identity:Authority", "https://idp.kommun.example.se/")).RefusesDemoValues(error));
        Assert.Contains($"setting '{setting}' holds a demo value", error.ToString());
        Assert.DoesNotContain("Identity:Authority", error.ToString());
    }

    [Fact]
    public void Development_may_use_the_demo_values()
    {
        var error = new StringWriter();
        Assert.False(Builder("Development", ("Identity:ClientSecret", "gateway-demo-secret")).RefusesDemoValues(error));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Own_values_pass_in_production()
    {
        var error = new StringWriter();
        Assert.False(Builder("Production", ("Identity:ClientSecret", "k3PzQ-own-secret-of-the-municipality")).RefusesDemoValues(error));
        Assert.Empty(error.ToString());
    }
}
