using System.Diagnostics;

namespace Federation.Testing;

/// <summary>What a protocol peer (node, python) printed and how it ended.</summary>
public sealed record PeerResult(int ExitCode, string Output, string Errors);

/// <summary>
/// Runs a real protocol peer to its end. A peer that outlives <c>within</c> is killed with its
/// children, so a stuck peer fails its test and leaves nothing running behind the suite.
/// </summary>
public static class PeerProcess
{
    public static async Task<PeerResult> RunAsync(ProcessStartInfo start, TimeSpan within)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
            throw new TimeoutException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} {start.Arguments} ran longer than {within.TotalSeconds} s and was killed.\n"
                + await stdout + await stderr);
        }
        return new PeerResult(process.ExitCode, await stdout, await stderr);
    }
}
