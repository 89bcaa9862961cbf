using Federation.EndToEnd.Tests.Infrastructure;

namespace Federation.EndToEnd.Tests.Telemetry;

/// <summary>
/// One sign-in through the gateway is one trace: the caller's <c>traceparent</c> on the first request
/// (GET /procapita/) is carried across the browser's redirects (OIDC state, the authorize request's
/// <c>traceparent</c> parameter, a one-request cookie), and every service that takes part exports its
/// spans into that trace and logs its share of the sign-in with that trace id.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class SignInTraceTests(FederationStack stack)
{
    private static readonly string[] Services =
        ["federation-gateway", "federation-idp", "federation-inventory", "federation-demo-procapita"];

    [Fact]
    public async Task One_sign_in_through_the_gateway_is_one_connected_trace_across_gateway_idp_register_and_backend()
    {
        var (traceparent, traceId) = GatewaySignIn.NewTrace();
        var callerSpan = traceparent.Split('-')[2];

        await GatewaySignIn.OpenAsync(stack, "procapita/", "sara.sekreterare", traceparent);

        var spans = await Eventually.GetAsync(() =>
        {
            var trace = stack.Telemetry.Spans.Where(s => s.TraceId == traceId).ToList();
            var services = trace.Select(s => s.Service).ToHashSet();
            Assert.All(Services, service => Assert.Contains(service, services));
            // The register's share is the sign-in event the idp posts after the login, with its database write.
            Assert.Contains(trace, s => s.Service == "federation-inventory" && s.Scope.Contains("EntityFrameworkCore", StringComparison.Ordinal));
            // The backend's page is the last hop: the return after the callback.
            Assert.Contains(trace, s => s.Service == "federation-demo-procapita");
            // Connected: every span's parent is a span of the trace, but for the gateway's first span,
            // whose parent is the caller's. A parent ends (and is exported) after its children, so
            // this holds only once the whole trace has arrived: it is waited for, not checked once.
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            var orphans = trace.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).ToList();
            var root = Assert.Single(orphans);
            Assert.Equal(callerSpan, root.ParentSpanId);
            Assert.Equal("federation-gateway", root.Service);
            return Task.FromResult(trace);
        }, TimeSpan.FromSeconds(60), $"the connected trace {traceId} with spans from {string.Join(", ", Services)}");

        Assert.Empty(stack.Telemetry.Rejected);
        // Each hop the browser made without trace context is continued by a span that links the request's own.
        Assert.Contains(spans, s => s.Service == "federation-idp" && s.Name.StartsWith("sign-in /connect/authorize", StringComparison.Ordinal) && s.Links.Count == 1);
        Assert.Contains(spans, s => s.Service == "federation-idp" && s.Name == "sign-in /login" && s.Links.Count == 1);
        Assert.Contains(spans, s => s.Service == "federation-gateway" && s.Name == "sign-in callback" && s.Links.Count == 1);
        Assert.Contains(spans, s => s.Service == "federation-gateway" && s.Name == "sign-in return" && s.Links.Count == 1);
        // The code redemption reached the idp's token endpoint inside the trace, with database spans there too.
        Assert.Contains(spans, s => s.Service == "federation-idp" && s.Name == "oidc.token");
        Assert.Contains(spans, s => s.Service == "federation-idp" && s.Scope.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        // No span says who signed in by name or carries the password.
        Assert.DoesNotContain(spans, s => s.Attributes.Values.Any(v => v.Contains("sara", StringComparison.OrdinalIgnoreCase)
                                                                     || v.Contains(LoginForm.DemoPassword, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_sign_in_and_its_token_are_logged_by_each_service_with_the_trace_id_and_no_name_or_secret()
    {
        var (traceparent, traceId) = GatewaySignIn.NewTrace();

        await GatewaySignIn.OpenAsync(stack, "procapita/", "sara.sekreterare", traceparent);

        await Eventually.GetAsync(() =>
        {
            Assert.Contains(stack.Idp.Output, line => line.Contains("TraceId:" + traceId, StringComparison.Ordinal)
                && line.Contains("Sign-in success", StringComparison.Ordinal));
            Assert.Contains(stack.Idp.Output, line => line.Contains("TraceId:" + traceId, StringComparison.Ordinal)
                && line.Contains("Token issued: grant authorization_code", StringComparison.Ordinal));
            Assert.Contains(stack.Gateway.Output, line => line.Contains("TraceId:" + traceId, StringComparison.Ordinal)
                && line.Contains("Sign-in completed", StringComparison.Ordinal) && line.Contains("procapita", StringComparison.Ordinal));
            return Task.FromResult(true);
        }, TimeSpan.FromSeconds(60), $"sign-in and token log lines with trace {traceId}");

        foreach (var service in new[] { stack.Gateway, stack.Idp, stack.Inventory })
        {
            var lines = service.Output.Where(l => l.Contains("TraceId:" + traceId, StringComparison.Ordinal)).ToList();
            Assert.DoesNotContain(lines, l => l.Contains("sara.sekreterare", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(service.Output, l => l.Contains(LoginForm.DemoPassword, StringComparison.Ordinal));
        }
    }
}
