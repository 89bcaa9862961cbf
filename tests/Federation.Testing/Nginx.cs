using System.Diagnostics;
using System.Text;

namespace Federation.Testing;

/// <summary>
/// nginx (Debian's) as the load balancer in front of service replicas: round robin, no sticky
/// sessions, one listener per pool on a port chosen up front (an issuer names it). Configured the way an
/// operator would: <c>proxy_next_upstream error timeout</c> (nginx's default) passes a request to the
/// next replica when the connection fails or breaks before the answer, which nginx does only for
/// idempotent methods unless told otherwise; a POST in flight on a replica that dies fails with 502.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly Task<PeerResult> _run;

    private Nginx(string prefix, Task<PeerResult> run)
    {
        _prefix = prefix;
        _run = run;
    }

    /// <summary>One pool: the public port nginx listens on and the replicas' addresses behind it.</summary>
    public sealed record Pool(string Name, int Port, IReadOnlyList<Uri> Replicas)
    {
        public Uri Address => new($"http://127.0.0.1:{Port}/");
    }

    public static string Executable =>
        File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx"
        : throw new InvalidOperationException("nginx is not installed (test.sh installs it: apt-get install nginx-light).");

    /// <summary>Writes nginx.conf into a temp folder, starts nginx in the foreground and waits until every pool answers.</summary>
    public static async Task<Nginx> StartAsync(IReadOnlyList<Pool> pools, TimeSpan runFor)
    {
        var prefix = Directory.CreateTempSubdirectory("federation-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        Directory.CreateDirectory(Path.Combine(prefix, "tmp"));
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), Config(pools));
        var start = new ProcessStartInfo(Executable);
        foreach (var argument in new[] { "-p", prefix, "-c", "nginx.conf", "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }
        var nginx = new Nginx(prefix, PeerProcess.RunAsync(start, runFor));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            if (nginx._run.IsCompleted)
            {
                var result = await nginx._run;
                throw new InvalidOperationException($"nginx exited with {result.ExitCode}: {result.Errors}{nginx.ErrorLog()}");
            }
            foreach (var pool in pools)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(pool.Address, "health/live"));
                    if (!response.IsSuccessStatusCode)
                    {
                        return false;
                    }
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }
            return true;
        }, 60, "nginx answers on every pool");
        return nginx;
    }

    private static string Config(IReadOnlyList<Pool> pools)
    {
        var conf = new StringBuilder();
        // As root the workers would switch to "nobody", who cannot write the temp folders.
        if (Environment.UserName == "root")
        {
            conf.AppendLine("user root;");
        }
        conf.AppendLine("""
            worker_processes 1;
            pid nginx.pid;
            error_log logs/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path tmp/body;
              proxy_temp_path tmp/proxy;
              fastcgi_temp_path tmp/fastcgi;
              uwsgi_temp_path tmp/uwsgi;
              scgi_temp_path tmp/scgi;
              # A new connection per request (no upstream keepalive): a replica that is gone refuses the
              # connection, and nginx passes even a POST on to the next one, as nothing was sent yet.
              proxy_set_header Host $http_host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header X-Forwarded-Proto $scheme;
              proxy_set_header X-Forwarded-Host $http_host;
              # nginx's default, said out loud: a broken connection goes to the next replica, for idempotent requests only.
              proxy_next_upstream error timeout;
              proxy_connect_timeout 2s;
              # The feed is a long poll.
              proxy_read_timeout 120s;
              # OpenID Connect sessions are several large cookies, both ways.
              large_client_header_buffers 8 64k;
              proxy_buffer_size 64k;
              proxy_buffers 8 64k;
              proxy_busy_buffers_size 128k;
            """);
        foreach (var pool in pools)
        {
            conf.AppendLine($"  upstream {pool.Name} {{");
            foreach (var replica in pool.Replicas)
            {
                conf.AppendLine($"    server {replica.Authority} max_fails=1 fail_timeout=10s;");
            }
            conf.AppendLine("  }");
            conf.AppendLine($"  server {{ listen 127.0.0.1:{pool.Port}; location / {{ proxy_pass http://{pool.Name}; }} }}");
        }
        conf.AppendLine("}");
        return conf.ToString();
    }

    private string ErrorLog()
    {
        var path = Path.Combine(_prefix, "logs", "error.log");
        return File.Exists(path) ? "\n" + File.ReadAllText(path) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            var stop = new ProcessStartInfo(Executable);
            foreach (var argument in new[] { "-p", _prefix, "-c", "nginx.conf", "-s", "stop" })
            {
                stop.ArgumentList.Add(argument);
            }
            await PeerProcess.RunAsync(stop, TimeSpan.FromSeconds(30));
        }
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // PeerProcess kills it at its own bound
        }
        Directory.Delete(_prefix, recursive: true);
    }
}
