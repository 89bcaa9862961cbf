using System.Net;

namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A person opening a system through the gateway over plain HTTP, as a browser without JavaScript:
/// gateway → idp authorize → login form → the idp's form_post to <c>/signin-oidc</c> → back to the
/// system, whose page the backend answers. Only the first request carries a <c>traceparent</c> (the
/// caller's own span): every later hop is a redirect a browser makes without one.
/// </summary>
public static class GatewaySignIn
{
    /// <summary>Signs <paramref name="userName"/> in on the way to <paramref name="path"/>; returns the system's page.</summary>
    public static async Task<string> OpenAsync(FederationStack stack, string path, string userName, string traceparent)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var location = new Uri(stack.Gateway.BaseAddress, path);
        var first = true;
        for (var hop = 0; hop < 12; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, location);
            request.Headers.Accept.ParseAdd("text/html");
            if (first)
            {
                request.Headers.Add("traceparent", traceparent);
                first = false;
            }
            var response = await http.SendAsync(request);
            try
            {
                if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/login")
                {
                    var form = await response.Content.ReadAsStringAsync();
                    response.Dispose();
                    response = await CodeFlowClientForms.SubmitLoginAsync(http, location, form, userName);
                }
                else if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/connect/authorize")
                {
                    // The browser auto-submits the idp's form_post to the gateway's callback.
                    var (action, fields) = CodeFlowClientForms.Form(location, await response.Content.ReadAsStringAsync());
                    Assert.Equal(new Uri(stack.Gateway.BaseAddress, "signin-oidc"), action);
                    response.Dispose();
                    response = await http.PostAsync(action, new FormUrlEncodedContent(fields));
                    location = action;
                }
                else if (response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal(new Uri(stack.Gateway.BaseAddress, path), location);
                    return await response.Content.ReadAsStringAsync();
                }
                Assert.True((int)response.StatusCode is 302 or 303, $"{location}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                location = new Uri(location, response.Headers.Location!);
            }
            finally
            {
                response.Dispose();
            }
        }
        throw new InvalidOperationException("Too many redirects, last at " + location);
    }

    /// <summary>A new W3C trace context for the caller's span: (traceparent, trace id).</summary>
    public static (string Traceparent, string TraceId) NewTrace()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        return ($"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01", traceId);
    }
}
