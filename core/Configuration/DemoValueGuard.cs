using Microsoft.Extensions.Hosting;

namespace Federation.Core.Configuration;

/// <summary>The start-up check of every service against <see cref="DemoValues"/>.</summary>
public static class DemoValueGuard
{
    /// <summary>
    /// Outside Development: true, after telling why on standard error, when a setting holds a demo
    /// value; the caller then exits non-zero instead of starting with a publicly known secret.
    /// </summary>
    public static bool RefusesDemoValues(this IHostApplicationBuilder builder, TextWriter? error = null)
    {
        if (builder.Environment.IsDevelopment())
        {
            return false;
        }

        var settings = DemoValues.SettingsHoldingDemoValues(builder.Configuration);
        if (settings.Count == 0)
        {
            return false;
        }

        error ??= Console.Error;
        foreach (var setting in settings)
        {
            error.WriteLine(
                $"Refusing to start in {builder.Environment.EnvironmentName}: setting '{setting}' holds a demo value that is published in the README. Configure a value of your own.");
        }

        return true;
    }
}
