using System.Diagnostics;

namespace Federation.Testing;

/// <summary>
/// Waits for something asynchronous (a background post, a feed sync, a process) with a generous
/// bound: a wait, never a timing assertion. Every wait in the suite ends; the bound is measured on
/// a monotonic clock so a wall-clock jump neither shortens nor stretches it.
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a loaded 2-core CI machine; a healthy run waits a fraction of it.</summary>
    public const int DefaultSeconds = 30;

    public static Task TrueAsync(Func<bool> condition, int seconds = DefaultSeconds, string? what = null) =>
        TrueAsync(() => Task.FromResult(condition()), seconds, what);

    public static async Task TrueAsync(Func<Task<bool>> condition, int seconds = DefaultSeconds, string? what = null)
    {
        var within = TimeSpan.FromSeconds(seconds);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"Not within {seconds} s: {what ?? "condition"}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Retries <paramref name="attempt"/> until it returns without throwing; the last failure is reported.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T>> attempt, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (clock.Elapsed < within && e is not OutOfMemoryException)
            {
                await Task.Delay(250);
            }
            catch (Exception e)
            {
                throw new TimeoutException($"Not within {within.TotalSeconds} s: {what}. Last failure: {e.Message}", e);
            }
        }
    }
}
