using System.Net;
using Federation.EndToEnd.Tests.Infrastructure;

namespace Federation.EndToEnd.Tests.Telemetry;

/// <summary>One sign-in is one trace: the gateway's callback and the idp's token endpoint share its trace id, and both logs carry it.</summary>
[Collection(FederationCollection.Name)]
public sealed class SignInTraceTests(FederationStack stack)
{
    [Fact]
    public async Task The_sign_in_callbacks_trace_id_is_in_the_gateway_and_the_idp_logs()
    {
        // A sign-in through the gateway over HTTP: /procapita → idp login → the idp's form_post to
        // /signin-oidc, where the gateway redeems the code at the idp's token endpoint.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var traceId = ActivityTraceId();
        var location = new Uri(stack.Gateway.BaseAddress, "procapita/");
        HttpStatusCode? callback = null;
        for (var hop = 0; hop < 12 && callback is null; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, location);
            request.Headers.Accept.ParseAdd("text/html");
            var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/login")
            {
                response = await new LoginForm("sara.sekreterare").SubmitAsync(http, location, await response.Content.ReadAsStringAsync());
            }
            else if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/connect/authorize")
            {
                // The browser would auto-submit this form to the gateway's callback.
                var form = HtmlForm.Read(location, await response.Content.ReadAsStringAsync());
                var (action, fields) = (form.Action, form.Inputs);
                Assert.Equal(new Uri(stack.Gateway.BaseAddress, "signin-oidc"), action);
                using var post = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
                // The caller starts the trace (W3C trace context), so the test knows its id.
                post.Headers.Add("traceparent", $"00-{traceId}-{ActivityTraceId()[..16]}-01");
                using var answer = await http.SendAsync(post);
                callback = answer.StatusCode;
                Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"signin-oidc: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                response.Dispose();
                break;
            }
            Assert.True((int)response.StatusCode is 302 or 303, $"{location}: {(int)response.StatusCode}");
            location = new Uri(location, response.Headers.Location!);
            response.Dispose();
        }
        Assert.Equal(HttpStatusCode.Redirect, callback);

        // The gateway's callback request and the idp's token request (the code redemption it made) carry the trace id.
        await Eventually.GetAsync(() =>
        {
            Assert.Contains(stack.Gateway.Output, line => line.Contains("TraceId:" + traceId, StringComparison.Ordinal)
                && line.Contains("/signin-oidc", StringComparison.Ordinal));
            Assert.Contains(stack.Idp.Output, line => line.Contains("TraceId:" + traceId, StringComparison.Ordinal)
                && line.Contains("/connect/token", StringComparison.Ordinal));
            return Task.FromResult(true);
        }, TimeSpan.FromSeconds(60), $"trace {traceId} in the gateway's and the idp's logs");
    }

    private static string ActivityTraceId() => System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
}
