namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>Retries an attempt until it succeeds or the deadline passes; the last failure is reported.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> attempt, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && e is not OutOfMemoryException)
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
