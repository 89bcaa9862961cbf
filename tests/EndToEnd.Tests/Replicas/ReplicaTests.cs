using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;
using System.Xml;
using Xunit.Abstractions;

namespace Federation.EndToEnd.Tests.Replicas;

/// <summary>
/// Several replicas, no sticky sessions: whatever one replica of a service starts, remembers or
/// consumes, the other continues, accepts or refuses in the same way, because it lives in the
/// service's database and not in the process.
/// </summary>
public sealed class ReplicaTests(ReplicaStack stack, ITestOutputHelper output) : IClassFixture<ReplicaStack>
{
    private readonly CallLog _log = new();

    /// <summary>Sends requests for <paramref name="pool"/> to its replicas in turn: A, B, A, B, …</summary>
    private static Func<Uri, Uri?> Alternate(Nginx.Pool pool, ServiceProcess[] replicas)
    {
        var next = 0;
        return url => url.Port == pool.Port ? replicas[next++ % replicas.Length].BaseAddress : null;
    }

    private static async Task<HttpStatusCode> UserInfoAsync(Uri idp, string token)
    {
        using var http = new HttpClient { BaseAddress = idp };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("connect/userinfo");
        return response.StatusCode;
    }

    [Fact]
    public async Task A_sign_in_started_on_one_idp_replica_completes_on_the_other_and_its_token_works_at_both()
    {
        using var browser = new Browser(_log) { Route = Alternate(stack.IdpPool, stack.Idp) };

        var token = await browser.SignInAtIdpAsync(stack.IdpPool.Address, ReplicaStack.RegisterClientId, ReplicaStack.RegisterRedirectUri,
            "ulf.admin", "openid federation.register");

        // authorize (A), login page (B), login POST (A), authorize again (B), token (A): each step on the other replica.
        Assert.True(token is not null, "the sign-in failed:\n" + string.Join('\n', _log.Calls));
        Assert.True(_log.Calls.Count >= 4, string.Join('\n', _log.Calls));
        foreach (var replica in stack.Idp)
        {
            Assert.Equal(HttpStatusCode.OK, await UserInfoAsync(replica.BaseAddress, token));
        }
        // And the register's replicas take it (they check it against the idp pool's keys).
        foreach (var replica in stack.Inventory)
        {
            using var api = new HttpClient { BaseAddress = replica.BaseAddress };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await api.GetAsync("api/systems/procapita");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_access_token_revoked_at_one_idp_replica_is_refused_at_the_other()
    {
        using var browser = new Browser(_log);
        var token = await browser.SignInAtIdpAsync(stack.IdpPool.Address, ReplicaStack.RegisterClientId, ReplicaStack.RegisterRedirectUri,
            "ulf.admin", "openid federation.register");
        Assert.NotNull(token);
        Assert.Equal(HttpStatusCode.OK, await UserInfoAsync(stack.Idp[0].BaseAddress, token));

        using var http = new HttpClient { BaseAddress = stack.Idp[1].BaseAddress };
        using var revoked = await http.PostAsync("connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = "access_token",
            ["client_id"] = ReplicaStack.RegisterClientId,
        }));
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, await UserInfoAsync(stack.Idp[0].BaseAddress, token));
    }

    [Fact]
    public async Task An_authenticator_code_used_at_one_idp_replica_is_refused_at_the_other()
    {
        // rolf.rektor's authenticator (demo secret): one code, used first at A, then replayed at B.
        var code = Totp.Code(DemoTotpSecret);
        Assert.Equal(HttpStatusCode.Redirect, await StepUpAsync(stack.Idp[0].BaseAddress, code));
        Assert.Equal(HttpStatusCode.OK, await StepUpAsync(stack.Idp[1].BaseAddress, code)); // the form again, with its error
    }

    [Fact]
    public async Task A_saml_response_consumed_at_one_idp_replica_is_refused_as_a_replay_at_the_other()
    {
        // The browser speaks to the pool's address (the SP's public origin); sign-in and answer go to A.
        using var browser = new Browser(_log) { Route = url => url.Port == stack.IdpPool.Port ? stack.Idp[0].BaseAddress : null };
        using var login = await browser.GetAsync(new Uri(stack.IdpPool.Address, "saml/sp/login/" + ReplicaStack.SamlUpstreamName));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var requestId = AuthnRequestId(login.Headers.Location!);
        // The cookie that binds the request to this browser, as it was before the answer was posted.
        var binding = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("saml-sp" + requestId + "=", StringComparison.Ordinal)).Split(';')[0];

        var acs = new Uri(stack.IdpPool.Address, "saml/sp/acs");
        var samlResponse = stack.SamlUpstream.Response(requestId, acs, stack.IdpPool.Address.AbsoluteUri + "saml/sp",
            "anna.larare@skola.example.se", DateTimeOffset.UtcNow);
        using (var accepted = await browser.SendAsync(HttpMethod.Post, acs, AcsForm(samlResponse)))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.Redirect,
                $"A refused the response: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        }

        // The very same response, with the same binding cookie, at B: everything checks out but the assertion was used.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = stack.Idp[1].BaseAddress };
        using var replay = new HttpRequestMessage(HttpMethod.Post, "saml/sp/acs") { Content = AcsForm(samlResponse) };
        replay.Headers.Host = stack.IdpPool.Address.Authority;
        replay.Headers.Add("Cookie", binding);
        using var refused = await http.SendAsync(replay);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await Eventually.TrueAsync(() => stack.Idp[1].Output.Any(line => line.Contains("refused by check replay: replay", StringComparison.Ordinal)),
            30, "idp B logs the refusal as a replay");
    }

    private static FormUrlEncodedContent AcsForm(string samlResponse) =>
        new(new Dictionary<string, string> { ["SAMLResponse"] = samlResponse, ["RelayState"] = "" });

    /// <summary>The ID of the AuthnRequest in an HTTP-Redirect binding URL (deflated, base64).</summary>
    private static string AuthnRequestId(Uri redirect)
    {
        var encoded = HttpUtility.ParseQueryString(redirect.Query)["SAMLRequest"]!;
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(encoded)), CompressionMode.Decompress);
        var document = new XmlDocument { XmlResolver = null };
        using (var reader = XmlReader.Create(inflate, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
        {
            document.Load(reader);
        }
        return document.DocumentElement!.GetAttribute("ID");
    }

    private const string DemoTotpSecret = "IZSWIZLSMF2GS33OFVSGK3LPFV2G65DQ";

    /// <summary>Password sign-in at <paramref name="idp"/>, then the authenticator code; the status of the code's POST.</summary>
    private async Task<HttpStatusCode> StepUpAsync(Uri idp, string code)
    {
        using var browser = new Browser(_log);
        var loginPage = new Uri(idp, "login?ReturnUrl=%2F");
        using (var page = await browser.GetAsync(loginPage))
        {
            var form = HtmlForm.Read(loginPage, await page.Content.ReadAsStringAsync());
            using var login = await browser.SendAsync(HttpMethod.Post, form.Action, form.Submit(new Dictionary<string, string>
            {
                ["UserName"] = "rolf.rektor",
                ["Password"] = LoginForm.DemoPassword,
            }));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }
        var mfaPage = new Uri(idp, "mfa?ReturnUrl=%2F");
        using var mfa = await browser.GetAsync(mfaPage);
        Assert.Equal(HttpStatusCode.OK, mfa.StatusCode);
        var mfaForm = HtmlForm.Read(mfaPage, await mfa.Content.ReadAsStringAsync());
        using var answer = await browser.SendAsync(HttpMethod.Post, mfaForm.Action, mfaForm.Submit(new Dictionary<string, string> { ["Code"] = code }));
        return answer.StatusCode;
    }

    [Fact]
    public async Task A_gateway_session_started_on_one_replica_works_at_the_other()
    {
        // The challenge (and its correlation cookie) at gateway A, the callback at gateway B.
        using var browser = new Browser(_log)
        {
            Route = url => url.Port != stack.GatewayPool.Port ? null
                : url.AbsolutePath == "/signin-oidc" ? stack.Gateway[1].BaseAddress : stack.Gateway[0].BaseAddress,
        };
        var procapita = new Uri(stack.GatewayPool.Address, "procapita/");

        var (status, body) = await browser.SignInThroughGatewayAsync(procapita, "sara.sekreterare");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}\n{string.Join('\n', _log.Calls)}");
        Assert.Contains("sara.sekreterare@skola.example.se", body, StringComparison.Ordinal);

        foreach (var replica in stack.Gateway)
        {
            browser.Route = url => url.Port == stack.GatewayPool.Port ? replica.BaseAddress : null;
            using var page = await browser.GetAsync(procapita);
            var text = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{replica.Name}: {(int)page.StatusCode} {text}");
            Assert.Contains("Signaturen från porten stämmer", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_register_write_on_one_replica_wakes_a_feed_reader_waiting_on_the_other()
    {
        using var reader = new HttpClient { BaseAddress = stack.Inventory[1].BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await stack.FeedTokenAsync());
        using var current = await reader.GetAsync("api/federation/feed");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        var etag = current.Headers.ETag!;

        // B's reader long-polls (up to 60 s); the write goes to A.
        using var poll = new HttpRequestMessage(HttpMethod.Get, "api/federation/feed?wait=60");
        poll.Headers.IfNoneMatch.Add(etag);
        var waiting = reader.SendAsync(poll);
        var name = "Lika written at replica A " + Guid.NewGuid().ToString("N")[..6];
        var clock = Stopwatch.StartNew();
        await stack.UpdateSystemAsync("lika", system => system["name"] = name, stack.Inventory[0].BaseAddress);

        using var changed = await waiting;
        var arrived = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains(name, await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Reported, not asserted: the other replica polls the database version every second.
        output.WriteLine($"The write on {stack.Inventory[0].Name} reached the reader waiting on {stack.Inventory[1].Name} after {arrived.TotalSeconds:F1} s (goal: within 5 s).");
    }

    /// <summary>
    /// A bounded burst through nginx (40 sign-ins through the gateway, 200 proxied requests, 40 register
    /// writes; four at a time) during which one replica of each service is killed with SIGKILL. No
    /// sign-in that completed is lost, no write the register acknowledged is lost, and the only
    /// requests that failed were in flight when the replicas died.
    /// </summary>
    [Fact]
    public async Task Killing_one_replica_of_each_service_mid_burst_loses_no_completed_sign_in_or_acknowledged_write()
    {
        var procapita = new Uri(stack.GatewayPool.Address, "procapita/");
        // Four people signed in before the burst, whose browsers make the proxied requests.
        var sessions = new List<Browser>();
        for (var i = 0; i < 4; i++)
        {
            var browser = new Browser(_log);
            sessions.Add(browser);
            var (status, _) = await browser.SignInThroughGatewayAsync(procapita, "sara.sekreterare");
            Assert.Equal(HttpStatusCode.OK, status);
        }
        using var register = stack.RegisterApi(stack.InventoryPool.Address);
        var template = (await register.GetFromJsonAsync<JsonObject>("api/systems/lika"))!;
        template.Remove("integration");

        var run = Guid.NewGuid().ToString("N")[..6];
        var work = new List<Func<Task<Outcome>>>();
        for (var i = 0; i < 280; i++)
        {
            var n = i;
            work.Add((n % 7) switch
            {
                0 => () => SignInAsync(procapita, n),
                1 => () => WriteAsync(template, $"burst-{run}-{n}"),
                _ => () => ProxiedAsync(sessions[n % sessions.Count], procapita, n),
            });
        }

        var done = 0;
        TimeSpan killStarted = default, killEnded = default;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcomes = new Outcome[work.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            outcomes[i] = await work[i]();
            if (Interlocked.Increment(ref done) == work.Count / 3)
            {
                killStarted = _log.Now;
                stack.Idp[0].Kill();
                stack.Gateway[0].Kill();
                stack.Inventory[0].Kill();
                killEnded = _log.Now;
                killed.SetResult();
            }
        });
        Assert.True(killed.Task.IsCompleted);

        var failedCalls = _log.Calls.Where(c => c.Failed).ToList();
        var failedOps = outcomes.Where(o => !o.Succeeded).ToList();
        output.WriteLine($"Killed {stack.Idp[0].Name}, {stack.Gateway[0].Name}, {stack.Inventory[0].Name} at {killStarted.TotalSeconds:F2}-{killEnded.TotalSeconds:F2} s; "
            + $"{outcomes.Count(o => o.Succeeded)} of {outcomes.Length} operations succeeded, {failedOps.Count} failed, {failedCalls.Count} requests failed:");
        foreach (var call in failedCalls)
        {
            output.WriteLine("  " + call);
        }

        // Only requests in flight when the replicas died failed: each began before the kill ended and ended after it began.
        Assert.All(failedCalls, c => Assert.True(c.Started <= killEnded && c.Ended >= killStarted, $"failed outside the kill: {c}"));
        // The burst went on after the kill.
        Assert.Contains(_log.Calls, c => c.Started > killEnded && !c.Failed);

        // No completed sign-in is lost: each session still opens ProCapita, now on the surviving gateway.
        foreach (var signIn in outcomes.Where(o => o is { Kind: "sign-in", Succeeded: true }))
        {
            using var page = await signIn.Browser!.GetAsync(procapita);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"sign-in {signIn.Index} lost its session: {(int)page.StatusCode}");
        }
        // No acknowledged write is lost: each is in the register, read through the surviving replica.
        var acknowledged = outcomes.Where(o => o is { Kind: "write", Succeeded: true }).ToList();
        Assert.NotEmpty(acknowledged);
        foreach (var write in acknowledged)
        {
            using var read = await register.GetAsync($"api/systems/{write.Id}");
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"acknowledged write {write.Id} is gone: {(int)read.StatusCode}");
        }
        output.WriteLine($"{outcomes.Count(o => o is { Kind: "sign-in", Succeeded: true })} completed sign-ins still work; {acknowledged.Count} acknowledged writes are all there.");

        foreach (var outcome in outcomes)
        {
            outcome.Browser?.Dispose();
        }
        foreach (var session in sessions)
        {
            session.Dispose();
        }
        // The orchestrator's part: the killed replicas start again on their ports and rejoin their pools.
        await Task.WhenAll(stack.RestartAsync(stack.Idp, 0), stack.RestartAsync(stack.Gateway, 0), stack.RestartAsync(stack.Inventory, 0));
    }

    private sealed record Outcome(string Kind, int Index, bool Succeeded, Browser? Browser = null, string? Id = null);

    private async Task<Outcome> SignInAsync(Uri procapita, int index)
    {
        var browser = new Browser(_log);
        try
        {
            var (status, body) = await browser.SignInThroughGatewayAsync(procapita, "sara.sekreterare");
            return new Outcome("sign-in", index, status == HttpStatusCode.OK && body.Contains("ProCapita", StringComparison.Ordinal), browser);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome("sign-in", index, false, browser);
        }
    }

    private async Task<Outcome> ProxiedAsync(Browser session, Uri procapita, int index)
    {
        try
        {
            using var page = await session.GetAsync(procapita);
            return new Outcome("proxied", index, page.StatusCode == HttpStatusCode.OK);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome("proxied", index, false);
        }
    }

    private async Task<Outcome> WriteAsync(JsonObject template, string id)
    {
        var system = template.DeepClone().AsObject();
        system["id"] = id;
        system["name"] = "Burst " + id;
        using var api = stack.RegisterApi(stack.InventoryPool.Address);
        var started = _log.Now;
        try
        {
            using var response = await api.PostAsJsonAsync("api/systems", system);
            _log.Add(new Call("POST", new Uri(api.BaseAddress!, "api/systems"), started, _log.Now, (int)response.StatusCode, null));
            Assert.True(response.StatusCode is HttpStatusCode.Created or >= HttpStatusCode.InternalServerError,
                $"POST {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return new Outcome("write", 0, response.StatusCode == HttpStatusCode.Created, Id: id);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _log.Add(new Call("POST", new Uri(api.BaseAddress!, "api/systems"), started, _log.Now, null, e.Message));
            return new Outcome("write", 0, false, Id: id);
        }
    }
}
