using System.Text;

namespace Federation.Operations.Tests.Docker;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and its arguments on one line.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>
/// Reads a Dockerfile as the builder does for the syntax these files use: comment lines skipped,
/// a trailing backslash continues the instruction on the next line, the first word is the keyword.
/// </summary>
public static class Dockerfile
{
    public static IReadOnlyList<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var current = new StringBuilder();
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }
            var continued = line.EndsWith('\\');
            current.Append(continued ? line[..^1].TrimEnd() : line).Append(' ');
            if (!continued)
            {
                var joined = current.ToString().Trim();
                current.Clear();
                if (joined.Length == 0)
                {
                    continue;
                }
                var space = joined.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(space < 0
                    ? new DockerInstruction(joined.ToUpperInvariant(), "")
                    : new DockerInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim()));
            }
        }
        return instructions;
    }
}
