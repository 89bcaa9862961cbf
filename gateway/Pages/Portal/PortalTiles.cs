using Federation.Core.Access;
using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Core.Text;
using Federation.Gateway.Routing;

namespace Federation.Gateway.Pages.Portal;

/// <summary>One system on the portal: where to start it and what to say about it.</summary>
/// <param name="Url">Where the tile links: the register's launch URL, else the backend's path at the gateway.</param>
/// <param name="Retiring">In Avveckling: still works, people are told it goes away (<paramref name="Notice"/>).</param>
/// <param name="NeedsStepUp">The person may use it after a stronger sign-in, which the system asks for.</param>
public sealed record PortalTile(string Id, string Name, string? Description, string Url, bool Retiring, string? Notice, bool NeedsStepUp);

/// <summary>
/// The systems a person may reach, by the access decision the gateway and the idp enforce
/// (<see cref="AccessPolicy"/>, called here, never restated): a system the decision denies is not
/// shown, one it would let in after a stronger sign-in is shown as such. A system with nowhere to
/// send the person (no valid launch URL, no route at the gateway) has no tile.
/// </summary>
public static class PortalTiles
{
    // System names are Swedish whatever the page's language: å, ä, ö sort last.
    private static readonly StringComparer SwedishOrder = StringComparer.Create(PersonLanguage.Swedish, ignoreCase: false);

    public static IReadOnlyList<PortalTile> For(DirectorySnapshot directory, PersonFacts person, string scheme)
    {
        var tiles = new List<PortalTile>();
        foreach (var system in directory.Feed?.Systems ?? [])
        {
            var decision = AccessPolicy.Evaluate(system, person);
            if (decision.Outcome == AccessOutcome.Denied || LaunchUrl(system, directory, scheme) is not { } url)
            {
                continue;
            }
            var retiring = system.Lifecycle == LifecyclePhase.Avveckling;
            tiles.Add(new PortalTile(system.Id, system.Name, system.Description, url, retiring,
                retiring ? system.Notice : null, decision.Outcome == AccessOutcome.StepUp));
        }
        return [.. tiles.OrderBy(t => t.Name, SwedishOrder)];
    }

    /// <summary>
    /// The register's launch URL when the core's endpoint rule accepts it (https, or http to a
    /// loopback host: never <c>javascript:</c>), else the system's route when the gateway routes it
    /// (a backend its rules refused has none), else none.
    /// </summary>
    public static string? LaunchUrl(FeedSystem system, DirectorySnapshot directory, string scheme)
    {
        if (system.LaunchUrl is { } launch && IntegrationRules.EndpointUrlProblem(launch) is null)
        {
            return launch;
        }
        if (directory.Routed.TryGetValue(system.Id, out var routed) && routed.Backend is { } backend)
        {
            var path = backend.PublicPath.TrimEnd('/') + "/";
            return backend.PublicHost is { } host ? $"{scheme}://{host}{path}" : path;
        }
        return null;
    }
}
