using System.Text.Json;
using System.Xml.Linq;
using Federation.Operations.Tests.K8s;

namespace Federation.Operations.Tests.Docker;

/// <summary>
/// Each service's Dockerfile, read instruction by instruction: a build stage that publishes Release
/// with the SDK, a runtime stage on the ASP.NET Core image with a non-root numeric user, the ports the
/// manifests declare, and an entry point naming the project's own assembly.
/// </summary>
public class DockerfileTests
{
    public static TheoryData<string> Services => [.. Overlay.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public void The_Dockerfile_builds_with_the_SDK_and_runs_the_service_assembly_as_non_root_on_the_manifest_ports(string service)
    {
        var root = ServiceProcess.RepositoryRoot();
        var instructions = Dockerfile.Parse(File.ReadAllText(Path.Combine(root, service, "Dockerfile")));
        var stages = instructions.Where(i => i.Keyword == "FROM").ToList();

        Assert.Equal(2, stages.Count);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", stages[0].Arguments);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", stages[1].Arguments);
        var runtime = instructions.SkipWhile(i => i != stages[1]).ToList();
        var build = instructions.TakeWhile(i => i != stages[1]).ToList();
        Assert.Contains(build, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal) && i.Arguments.Contains("-c Release", StringComparison.Ordinal));
        Assert.Contains(runtime, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=build ", StringComparison.Ordinal));

        // Numeric, so runAsNonRoot can verify it; the same UID the pods declare.
        var user = Assert.Single(runtime, i => i.Keyword == "USER").Arguments;
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"USER {user} is not a numeric non-root user");
        var deployment = Overlay.Render("prod").Deployment(service);
        Assert.Equal(uid, deployment.Spec.Template.Spec.SecurityContext.RunAsUser);

        var exposed = runtime.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).Order();
        Assert.Equal(deployment.Spec.Template.Spec.Containers.Single().Ports.Select(p => p.ContainerPort).Order(), exposed);

        var entry = JsonSerializer.Deserialize<string[]>(Assert.Single(runtime, i => i.Keyword == "ENTRYPOINT").Arguments)!;
        Assert.Equal(["dotnet", AssemblyNameOf(root, service) + ".dll"], entry);

        // Every COPY source from the build context exists in the repository.
        foreach (var copy in build.Where(i => i.Keyword == "COPY"))
        {
            var sources = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            Assert.All(sources, s => Assert.True(
                Directory.EnumerateFileSystemEntries(Path.Combine(root, Path.GetDirectoryName(s) ?? ""), Path.GetFileName(s) is { Length: > 0 } f ? f : "*").Any(),
                $"{service}/Dockerfile copies {s}, which does not exist"));
        }
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_local_data_tests_and_git()
    {
        var ignored = File.ReadAllLines(Path.Combine(ServiceProcess.RepositoryRoot(), ".dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", "**/data/", "**/node_modules/", "artifacts/", "tests/", ".git" }, ignored);
    }

    [Fact]
    public void The_reader_joins_continued_lines_and_skips_comments()
    {
        var parsed = Dockerfile.Parse("# c\nFROM a AS b\nENV X=1 \\\n    Y=2\n\nUSER 7\n");
        Assert.Equal(["FROM", "ENV", "USER"], parsed.Select(i => i.Keyword));
        Assert.Equal("X=1 Y=2", parsed[1].Arguments);
    }

    /// <summary>The assembly a project builds: its AssemblyName, else the project file's name.</summary>
    private static string AssemblyNameOf(string root, string service)
    {
        var project = Assert.Single(Directory.GetFiles(Path.Combine(root, service), "*.csproj"));
        return XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
    }
}
