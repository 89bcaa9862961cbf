using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Federation.Idp.Pages;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Identity;

/// <summary>Limits on password attempts at <c>/login</c> (section <c>Login</c>).</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Login";

    /// <summary>Attempts per client address per <see cref="Window"/>. Generous: a school's pupils share one NAT address.</summary>
    [Range(1, 100_000)]
    public int AttemptsPerAddress { get; set; } = 300;

    /// <summary>Attempts per user name (known or not) per <see cref="Window"/>; lockout (5 failures) still applies to accounts.</summary>
    [Range(1, 10_000)]
    public int AttemptsPerAccount { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Password guessing: ASP.NET Core's rate limiter on the login form's POST, per client address
/// (policy <see cref="Policy"/>) and per user name (<see cref="TryAcquire"/>, the name is in the form).
/// A person who hits a limit gets a readable page with status 429 and <c>Retry-After</c>.
/// Unknown and known names count alike, so the limit says nothing about which accounts exist.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    public const string Policy = "login";

    private readonly PartitionedRateLimiter<string> _perAccount;

    public LoginThrottle(IOptions<LoginThrottleOptions> options)
    {
        var o = options.Value;
        _perAccount = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetFixedWindowLimiter(name,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = o.AttemptsPerAccount, Window = o.Window, QueueLimit = 0 }));
    }

    /// <summary>Null when the attempt may go ahead, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string userName)
    {
        using var lease = _perAccount.AttemptAcquire(userName.ToUpperInvariant());
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _perAccount.Dispose();

    public static IHostApplicationBuilder AddLoginThrottle(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http =>
            {
                if (!HttpMethods.IsPost(http.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("show-form");
                }
                var o = http.RequestServices.GetRequiredService<IOptions<LoginThrottleOptions>>().Value;
                var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(address,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = o.AttemptsPerAddress, Window = o.Window, QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var after = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await WriteTooManyAsync(context.HttpContext, after, cancellationToken);
            };
        });
        return builder;
    }

    /// <summary>A readable page for a person: what happened and when to try again.</summary>
    public static async Task WriteTooManyAsync(HttpContext http, TimeSpan after, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/html; charset=utf-8";
        var title = WebUtility.HtmlEncode(UiText.T("login.tooMany.title"));
        var text = WebUtility.HtmlEncode(string.Format(CultureInfo.InvariantCulture, UiText.T("login.tooMany"), (seconds + 59) / 60));
        await http.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{UiText.Language}\"><head><meta charset=\"utf-8\"><title>{title}</title>" +
            $"<link rel=\"stylesheet\" href=\"{Federation.Ui.FederationUi.Stylesheet}\"></head><body><main class=\"narrow\">" +
            $"<h1>{title}</h1><p role=\"alert\">{text}</p><p><a href=\"/login\">{WebUtility.HtmlEncode(UiText.T("login.title"))}</a></p></main></body></html>",
            cancellationToken);
    }
}
