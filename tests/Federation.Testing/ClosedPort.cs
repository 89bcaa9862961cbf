using System.Net;
using System.Net.Sockets;

namespace Federation.Testing;

/// <summary>
/// A loopback port that refuses connections for as long as this lives: bound (so no other
/// process can take it) but not listening. Better than assuming a well-known port is closed.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>An http URL on this port with <paramref name="path"/>.</summary>
    public Uri Url(string path = "/") => new($"http://127.0.0.1:{Port}{path}");

    public void Dispose() => _socket.Dispose();
}
