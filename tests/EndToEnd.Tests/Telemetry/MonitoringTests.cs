using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Federation.EndToEnd.Tests.Infrastructure;

namespace Federation.EndToEnd.Tests.Telemetry;

/// <summary>
/// The metrics an operator watches arrive, and the dashboard and alert rules in <c>k8s/monitoring</c>
/// query only metrics the running services really export (Prometheus names, as scraped from each
/// service's management port).
/// </summary>
[Collection(FederationCollection.Name)]
public sealed partial class MonitoringTests(FederationStack stack)
{
    [Fact]
    public async Task A_sign_in_through_the_gateway_arrives_over_otlp_as_sign_in_and_token_points()
    {
        var (traceparent, _) = GatewaySignIn.NewTrace();
        var before = stack.Telemetry.Points.Count;

        await GatewaySignIn.OpenAsync(stack, "procapita/", "sara.sekreterare", traceparent);

        await Eventually.GetAsync(() =>
        {
            var points = stack.Telemetry.Points.Skip(before).ToList();
            Assert.Contains(points, p => p is { Service: "federation-gateway", Metric: "federation.gateway.sign_ins" }
                && p.Attributes["system"] == "procapita" && p.Attributes["outcome"] == "success");
            Assert.Contains(points, p => p is { Service: "federation-gateway", Metric: "federation.gateway.sign_in.duration" }
                && p.Attributes["system"] == "procapita");
            Assert.Contains(points, p => p is { Service: "federation-idp", Metric: "federation.idp.sign_ins" }
                && p.Attributes["outcome"] == "success" && p.Attributes["protocol"] == "oidc"
                && p.Attributes["client"] == FederationStack.GatewayClientId && p.Attributes["system"] == "federation");
            Assert.Contains(points, p => p is { Service: "federation-idp", Metric: "federation.idp.tokens" }
                && p.Attributes["grant_type"] == "authorization_code" && p.Attributes["client"] == FederationStack.GatewayClientId);
            Assert.Contains(points, p => p is { Service: "federation-gateway", Metric: "federation.gateway.requests" }
                && p.Attributes["system"] == "procapita" && p.Attributes["status_class"] == "2xx");
            Assert.Contains(points, p => p is { Service: "federation-gateway", Metric: "federation.feed.age" });
            Assert.Contains(points, p => p is { Service: "federation-idp", Metric: "federation.feed.age" });
            Assert.Contains(points, p => p is { Service: "federation-idp", Metric: "federation.idp.upstream.certificate.expiry" }
                && p.Attributes["upstream"] == FederationStack.SamlUpstream);
            Assert.Contains(points, p => p is { Service: "federation-inventory", Metric: "federation.register.findings" });
            return Task.FromResult(true);
        }, TimeSpan.FromSeconds(60), "sign-in, token, request and gauge points over OTLP");
        Assert.Empty(stack.Telemetry.Rejected);
    }

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alert_rules_query_is_exported_by_the_running_services()
    {
        var monitoring = Path.Combine(ServiceProcess.RepositoryRoot(), "k8s", "monitoring");
        var dashboard = DashboardExpressions(await File.ReadAllTextAsync(Path.Combine(monitoring, "federation-dashboard.json")));
        var rules = RuleExpressions(await File.ReadAllLinesAsync(Path.Combine(monitoring, "federation-alerts.yaml")));
        Assert.True(dashboard.Count >= 15, $"the dashboard has {dashboard.Count} queries");
        Assert.True(rules.Count >= 8, $"the alert rules have {rules.Count} expressions");
        var wanted = dashboard.Concat(rules).SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);

        // What the metrics need to exist: a sign-in, a token, a proxied request, and a SAML refusal.
        var (traceparent, _) = GatewaySignIn.NewTrace();
        await GatewaySignIn.OpenAsync(stack, "procapita/", "sara.sekreterare", traceparent);
        using (var http = new HttpClient())
        using (var refused = await http.GetAsync(new Uri(stack.Idp.BaseAddress, "saml/sso?SAMLRequest=not-deflated")))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }

        await Eventually.GetAsync(async () =>
        {
            var exported = await ScrapeAsync();
            Assert.All(wanted, name => Assert.True(exported.Contains(name), $"{name} is queried but no service exports it"));
            return true;
        }, TimeSpan.FromSeconds(30), "every queried metric in a scrape");
    }

    /// <summary>The sample names of every service's <c>/metrics</c> on its management port.</summary>
    private async Task<HashSet<string>> ScrapeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var management in stack.Management.Values)
        {
            var text = await http.GetStringAsync(new Uri(management, "metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (line.Length > 0 && line[0] != '#' && SampleName().Match(line) is { Success: true } match)
                {
                    names.Add(match.Value);
                }
            }
        }
        return names;
    }

    private static List<string> DashboardExpressions(string json)
    {
        var expressions = new List<string>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (key is "expr" or "definition" && value is JsonValue v && v.TryGetValue<string>(out var text))
                        {
                            expressions.Add(text);
                        }
                        Walk(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item);
                    }
                    break;
            }
        }
        Walk(JsonNode.Parse(json));
        return expressions;
    }

    /// <summary>The rule file keeps each <c>expr:</c> on one line (a block scalar would not be read here, so it fails).</summary>
    private static List<string> RuleExpressions(string[] lines) =>
        [.. lines.Select(l => RuleExpr().Match(l)).Where(m => m.Success).Select(m =>
        {
            var expr = m.Groups[1].Value.Trim();
            Assert.False(expr is "|" or ">" or "|-" or ">-", "an expr must be on one line: " + m.Value);
            return expr;
        })];

    /// <summary>
    /// The metric names a PromQL expression selects: strings, label matchers, ranges and grouping
    /// label lists removed, then every identifier that is not a function call, a keyword or
    /// a Grafana variable.
    /// </summary>
    public static IEnumerable<string> MetricNames(string expression)
    {
        var bare = Regex.Replace(expression, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        bare = Regex.Replace(bare, @"\{[^}]*\}", " ");
        bare = Regex.Replace(bare, @"\[[^\]]*\]", " ");
        bare = Regex.Replace(bare, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        bare = Regex.Replace(bare, @"\$\w+", " ");
        // label_values(metric, label): the label is not a metric.
        bare = Regex.Replace(bare, @"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,[^)]*\)", "$1");
        foreach (Match match in Identifier().Matches(bare))
        {
            var rest = bare[(match.Index + match.Length)..].TrimStart();
            if (rest.StartsWith('(') || Keywords.Contains(match.Value) || (match.Index > 0 && char.IsDigit(bare[match.Index - 1])))
            {
                continue;
            }
            yield return match.Value;
        }
    }

    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"];

    [GeneratedRegex(@"^\s*expr:\s*(.+)$")]
    private static partial Regex RuleExpr();

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();
}

/// <summary>The PromQL reading of <see cref="MonitoringTests"/>: what it takes for a metric name and what not.</summary>
public sealed class PromQlMetricNameTests
{
    [Theory]
    [InlineData("sum by (outcome) (rate(federation_idp_sign_ins_total{outcome!=\"success\", system=~\"$system\"}[$__rate_interval])) * 60", "federation_idp_sign_ins_total")]
    [InlineData("histogram_quantile(0.95, sum by (system, le) (rate(federation_gateway_request_duration_seconds_bucket[5m])))", "federation_gateway_request_duration_seconds_bucket")]
    [InlineData("min by (use) (federation_idp_signing_key_expiry_seconds) < 7 * 86400", "federation_idp_signing_key_expiry_seconds")]
    [InlineData("a_total / clamp_min(sum(rate(b_total[10m])), 0.001) > 0.3 and c > 0.05", "a_total b_total c")]
    [InlineData("label_values(federation_gateway_requests_total, system)", "federation_gateway_requests_total")]
    public void Takes_the_selected_metrics_and_nothing_else(string expression, string names) =>
        Assert.Equal(names.Split(' '), MonitoringTests.MetricNames(expression));
}
