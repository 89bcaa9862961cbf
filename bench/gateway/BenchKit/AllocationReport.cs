using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

/// <summary>
/// Where a process allocates, from the runtime's allocation samples (one event per ~100 KB,
/// naming the type and the stack of the allocation that crossed the mark): bytes per request by
/// type and by the first frame of our own code (or the framework's, when none of ours is on the
/// stack). Sampled, so small entries are noise; the total is close to the counter's.
/// </summary>
internal static class AllocationReport
{
    public static int Print(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var trace = Arg("--trace") ?? throw new InvalidOperationException("--trace is required");
        var requests = double.Parse(Arg("--requests") ?? "1", CultureInfo.InvariantCulture);
        var top = int.Parse(Arg("--top") ?? "25", CultureInfo.InvariantCulture);

        var etlx = TraceLog.CreateFromEventPipeDataFile(trace);
        using var log = new TraceLog(etlx);
        var byType = new Dictionary<string, double>(StringComparer.Ordinal);
        var bySite = new Dictionary<string, double>(StringComparer.Ordinal);
        var byOurs = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData tick)
            {
                continue;
            }
            var bytes = (double)tick.AllocationAmount64;
            total += bytes;
            Add(byType, tick.TypeName ?? "?", bytes);
            var frames = Frames(e.CallStack());
            Add(bySite, Site(frames), bytes);
            Add(byOurs, frames.Find(f => f.Contains("Federation.", StringComparison.Ordinal)) ?? "(none of ours on the stack)", bytes);
        }
        Console.WriteLine($"allocated (sampled): {total / 1024 / requests:F2} KB per request over {requests:F0} requests");
        Table("by type", byType, requests, top, total);
        Table("by the allocating method (the nearest frame outside CoreLib, and its caller)", bySite, requests, top, total);
        Table("by the nearest frame of our own code", byOurs, requests, top, total);
        File.Delete(etlx);
        return 0;
    }

    private static void Add(Dictionary<string, double> sums, string key, double bytes) =>
        sums[key] = sums.GetValueOrDefault(key) + bytes;

    private static void Table(string title, Dictionary<string, double> sums, double requests, int top, double total)
    {
        Console.WriteLine();
        Console.WriteLine($"{"KB/req",8} {"share",6}  {title}");
        foreach (var (key, bytes) in sums.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine($"{bytes / 1024 / requests,8:F2} {bytes / total,6:P0}  {key}");
        }
    }

    private static List<string> Frames(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (var s = stack; s is not null && frames.Count < 60; s = s.Caller)
        {
            var name = s.CodeAddress.FullMethodName;
            if (!string.IsNullOrEmpty(name))
            {
                frames.Add(s.CodeAddress.ModuleName + "!" + name);
            }
        }
        return frames;
    }

    private static string Site(List<string> frames)
    {
        var at = frames.FindIndex(f => !f.Contains("System.Private.CoreLib", StringComparison.Ordinal));
        return at < 0 ? frames.FirstOrDefault() ?? "(no stack)"
            : frames[at] + (at + 1 < frames.Count ? "  <  " + frames[at + 1] : "");
    }
}
