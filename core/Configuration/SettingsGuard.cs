using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Core.Configuration;

/// <summary>The start-up check of every service's options (<c>ValidateOnStart</c>), before anything runs.</summary>
public static class SettingsGuard
{
    /// <summary>
    /// Runs the options validations the host would run at start. True, after one line per failure on
    /// standard error, when a setting is missing or wrong: the caller exits non-zero. An operator reads
    /// what to configure instead of a stack trace (the host's own start would log and rethrow one).
    /// </summary>
    public static bool RefusesInvalidSettings(this IHost app, TextWriter? error = null)
    {
        // Hosted inside another program (a test's WebApplicationFactory), the host's own exception
        // at start is the answer that program expects.
        if (Assembly.GetEntryAssembly()?.GetName().Name != app.Services.GetRequiredService<IHostEnvironment>().ApplicationName)
        {
            return false;
        }
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return false;
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            error ??= Console.Error;
            foreach (var failure in failures)
            {
                error.WriteLine($"Refusing to start: {failure}");
            }
            return true;
        }
    }

    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException { InnerExceptions: var inner } when inner.All(i => i is OptionsValidationException) =>
            [.. inner.SelectMany(i => ((OptionsValidationException)i).Failures)],
        _ => [],
    };
}
