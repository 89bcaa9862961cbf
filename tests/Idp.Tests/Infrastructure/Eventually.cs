namespace Federation.Idp.Tests.Infrastructure;

/// <summary>Waits for something asynchronous (a background post, a feed sync) with a generous bound; not a timing assertion.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met within " + seconds + " s");
            await Task.Delay(100);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met within " + seconds + " s");
            await Task.Delay(250);
        }
    }
}
