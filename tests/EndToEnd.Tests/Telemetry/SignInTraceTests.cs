using System.Net;
using Federation.EndToEnd.Tests.Infrastructure;

namespace Federation.EndToEnd.Tests.Telemetry;

/// <summary>One sign-in is one trace: the gateway's callback and the idp's token endpoint share its trace id, and both log it.</summary>
[Collection(FederationCollection.Name)]
public sealed class SignInTraceTests(FederationStack stack)
{
    [Fact]
    public async Task The_sign_in_callbacks_trace_id_is_in_the_gateway_and_the_idp_logs()
    {
        // A sign-in through the gateway over HTTP: /procapita → idp login → /signin-oidc (which redeems the code at the idp).
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var traceId = ActivityTraceId();
        var location = new Uri(stack.Gateway.BaseAddress, "procapita/");
        HttpResponseMessage? callback = null;
        for (var hop = 0; hop < 12 && callback is null; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, location);
            request.Headers.Accept.ParseAdd("text/html");
            var isCallback = location.AbsolutePath == "/signin-oidc";
            if (isCallback)
            {
                // The caller starts the trace (W3C trace context) so the test knows its id.
                request.Headers.Add("traceparent", $"00-{traceId}-{ActivityTraceId()[..16]}-01");
            }
            var response = await http.SendAsync(request);
            if (isCallback)
            {
                callback = response;
                break;
            }
            if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/login")
            {
                response = await CodeFlowClientForms.SubmitLoginAsync(http, location, await response.Content.ReadAsStringAsync(), "sara.sekreterare");
            }
            Assert.True((int)response.StatusCode is 302 or 303, $"{location}: {(int)response.StatusCode}");
            location = new Uri(location, response.Headers.Location!);
            response.Dispose();
        }
        Assert.NotNull(callback);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        callback.Dispose();

        await Eventually.GetAsync(() =>
        {
            Assert.Contains(stack.Gateway.Output, line => line.Contains(traceId, StringComparison.Ordinal));
            Assert.Contains(stack.Idp.Output, line => line.Contains(traceId, StringComparison.Ordinal));
            return Task.FromResult(true);
        }, TimeSpan.FromSeconds(5), $"trace {traceId} in the gateway's and the idp's logs");
    }

    private static string ActivityTraceId() => System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
}
