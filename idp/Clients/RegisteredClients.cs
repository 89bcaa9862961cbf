using Federation.Core.Feed;

namespace Federation.Idp.Clients;

/// <summary>The register's view of a client right now: its system, release list and access policy.</summary>
public sealed class RegisteredClients(IFederationFeedSource feed, ClientSync sync)
{
    /// <summary>
    /// The system of an OIDC client, or null when the register no longer has it (removed or
    /// retired) or the idp could not apply it.
    /// </summary>
    public FeedSystem? Find(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId) || feed.Current is not { } current)
        {
            return null;
        }
        var system = current.FindByClientId(clientId);
        return system is null || !ClientSync.GetsTokens(system) || sync.Skipped.ContainsKey(clientId) ? null : system;
    }
}
