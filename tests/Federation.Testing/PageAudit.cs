using System.Text.Json;
using Microsoft.Playwright;

namespace Federation.Testing;

/// <summary>
/// What every page a browser test visits must pass: axe-core (the npm package in <c>tests/ui</c>,
/// installed by test.sh) finds no serious or critical violation of WCAG 2.0/2.1 A and AA. Each
/// check also keeps a full-page screenshot in <c>artifacts/screenshots/&lt;name&gt;.png</c> for
/// whoever reviews the pages.
/// </summary>
public static class PageAudit
{
    private static readonly Lazy<string> AxeSource = new(() =>
    {
        var path = Path.Combine(ServiceProcess.RepositoryRoot(), "tests", "ui", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new InvalidOperationException($"axe-core is missing at {path}: run `npm ci` in tests/ui (test.sh does).");
    });

    /// <summary>The folder the screenshots go to.</summary>
    public static string ScreenshotFolder => Path.Combine(ServiceProcess.RepositoryRoot(), "artifacts", "screenshots");

    /// <summary>Checks the page as it is now and keeps its screenshot under <paramref name="name"/>.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            // Added as a script element's text; a page's Content-Security-Policy could refuse it, which would show here.
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = AxeSource.Value });
        }
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const result = await window.axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                resultTypes: ['violations'],
              });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '')) })));
            }
            """);
        var violations = JsonSerializer.Deserialize<List<Violation>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
        if (violations.Count > 0)
        {
            throw new AccessibilityException(
                $"axe found {violations.Count} serious or critical WCAG 2.1 A/AA violation(s) on '{name}' ({page.Url}):\n"
                + string.Join("\n", violations.Select(v => $"- {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes))));
        }
    }

    private sealed record Violation(string Id, string Impact, string Help, List<string> Nodes);
}

/// <summary>A page that fails the accessibility check.</summary>
public sealed class AccessibilityException(string message) : Exception(message);
