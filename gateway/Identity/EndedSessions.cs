using System.Collections.Concurrent;

namespace Federation.Gateway.Identity;

/// <summary>
/// Sessions that were signed out. A session cookie is sealed, not stored: deleting it from the
/// browser does not stop a copy of it (kept by malware, a shared computer's history, a proxy log)
/// from working until it expires. Every session therefore has an id (<see cref="SessionRenewal.SessionIdItem"/>),
/// and the cookie handler refuses one whose id is here. An id is kept until the session's
/// absolute lifetime would have ended it anyway.
/// </summary>
public sealed class EndedSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);

    public void End(string sessionId, DateTimeOffset keepUntil)
    {
        var now = time.GetUtcNow();
        foreach (var (id, until) in _ended)
        {
            if (until <= now)
            {
                _ended.TryRemove(id, out _);
            }
        }
        _ended[sessionId] = keepUntil;
    }

    public bool IsEnded(string sessionId) => _ended.ContainsKey(sessionId);
}
