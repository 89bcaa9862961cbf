#!/usr/bin/env bash
# Token endpoint benchmark: client-credentials tokens per second and p99 latency of the
# federation idp against node oidc-provider 9.13.3 (same client, JWT access tokens, same load
# generator, same run), and the ratio. The feed scope's token is for the register, one of the
# federation's own resource servers: the idp signs it ES256 by default (Idp:AccessTokenSigning),
# so the idp runs twice, with ES256 and with RS256 access tokens (oidc-provider signs RS256);
# plus the idp with a database row per access token (Idp:StoreAccessTokens=true), to show what
# storing them would cost. Loopback only, bounded.
#   bench/idp/run.sh            (CONCURRENCY=16 DURATION=15 WARMUP=20 ROUNDS=2 by default)
# Each round drives each server alone after its own warm-up: steady state, the JIT (tiered PGO in
# .NET, V8 in node) has recompiled the hot paths by then.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
export CONCURRENCY=${CONCURRENCY:-16} DURATION=${DURATION:-15} WARMUP=${WARMUP:-20}
rounds=${ROUNDS:-2}
export CLIENT_ID=bench-client CLIENT_SECRET=bench-secret-0123456789
feed_port=5802 op_port=5801 idp_port=5803 stored_port=5804 rs256_port=5805

[[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
dotnet build "$root/idp/Federation.Idp.csproj" -c Release -nologo -v q >/dev/null

work=$(mktemp -d /tmp/federation-bench-idp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PORT=$feed_port node feed-server.mjs >"$work/feed.log" 2>&1 & pids+=($!)
bin="$root/idp/bin/Release/net10.0"
start_idp() { # port data-dir extra-args…
  local port=$1 dir=$2; shift 2; mkdir -p "$dir"
  (cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Production dotnet "$bin/Federation.Idp.dll" \
    --contentRoot "$bin" --urls "http://127.0.0.1:$port" \
    --Idp:Issuer="http://127.0.0.1:$port/" --Idp:SeedDemoUsers=false --Idp:SigninEventsUrl= \
    --Feed:FeedUrl="http://127.0.0.1:$feed_port/api/federation/feed" --Feed:CachePath="$dir/feed-cache.json" \
    --Database:ConnectionString="Data Source=$dir/idp.db" \
    --Logging:LogLevel:Default=Warning "$@") >"$dir/idp.log" 2>&1 &
}
start_idp "$idp_port" "$work/idp"; pids+=($!); idp_pid=$!
start_idp "$rs256_port" "$work/rs256" --Idp:AccessTokenSigning:Algorithm=RS256; pids+=($!); rs256_pid=$!
start_idp "$stored_port" "$work/stored" --Idp:StoreAccessTokens=true; pids+=($!); stored_pid=$!
PORT=$op_port node oidc-provider-server.mjs >"$work/op.log" 2>&1 & pids+=($!); op_pid=$!

token() { curl -fsS -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET&scope=federation.feed" "$1"; }
# The JWS header's alg of the access token an endpoint issues.
alg_of() { token "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(Buffer.from(JSON.parse(s).access_token.split(".")[0],"base64url")).alg))'; }
for url in "http://127.0.0.1:$idp_port/connect/token" "http://127.0.0.1:$rs256_port/connect/token" "http://127.0.0.1:$stored_port/connect/token" "http://127.0.0.1:$op_port/token"; do
  for _ in $(seq 1 120); do token "$url" >/dev/null 2>&1 && break; sleep 0.5; done
  token "$url" >/dev/null || { echo "no token from $url"; cat "$work"/*.log "$work"/*/idp.log; exit 1; }
done
# Each row measures what it says: an error, not a figure, when a server signs otherwise.
for expected in "ES256 $idp_port" "RS256 $rs256_port"; do
  set -- $expected
  got=$(alg_of "http://127.0.0.1:$2/connect/token")
  [[ $got == "$1" ]] || { echo "the idp on port $2 signs access tokens $got, expected $1"; exit 1; }
done

echo "load: $CONCURRENCY concurrent clients, ${WARMUP}s warm-up, ${DURATION}s measured, $rounds rounds, each server alone"
# CPU milliseconds per token as well (user+system of the server process over the measured window):
# it moves less than throughput when other work shares the machine, but it moves (20-80 % seen).
measure() { # pid url
  SERVER_PID="$1" CLK_TCK="$(getconf CLK_TCK)" URL="$2" node load.mjs
}
results=()
for round in $(seq 1 "$rounds"); do
  results+=("$(measure "$idp_pid" "http://127.0.0.1:$idp_port/connect/token")")
  results+=("$(measure "$op_pid" "http://127.0.0.1:$op_port/token")")
  results+=("$(measure "$rs256_pid" "http://127.0.0.1:$rs256_port/connect/token")")
  results+=("$(measure "$stored_pid" "http://127.0.0.1:$stored_port/connect/token")")
done
node -e '
const runs = process.argv.slice(1).map(JSON.parse);
const nth = k => runs.filter((_, i) => i % 4 === k);
const [idp, op, rs, stored] = [nth(0), nth(1), nth(2), nth(3)];
const row = (name, r) => console.log(`${name.padEnd(34)} ${String(r.tokensPerSecond).padStart(9)} tokens/s   p50 ${String(r.p50ms).padStart(7)} ms   p99 ${String(r.p99ms).padStart(7)} ms   cpu ${String(r.cpuMsPerToken).padStart(5)} ms/token (tiered JIT ${String(r.jitMsPerToken).padStart(5)})   errors ${r.errors}`);
idp.forEach((r, i) => { row(`federation idp, ES256 #${i + 1}`, r); row(`oidc-provider, RS256 #${i + 1}`, op[i]); row(`federation idp, RS256 #${i + 1}`, rs[i]); row(`idp ES256, access tokens stored #${i + 1}`, stored[i]); });
const mean = (xs, k) => xs.reduce((a, r) => a + r[k], 0) / xs.length;
const [ti, to, tr, ts, pi, po] = [mean(idp, "tokensPerSecond"), mean(op, "tokensPerSecond"), mean(rs, "tokensPerSecond"), mean(stored, "tokensPerSecond"), mean(idp, "p99ms"), mean(op, "p99ms")];
console.log(`mean: idp ES256 ${ti.toFixed(1)} tokens/s p99 ${pi.toFixed(1)} ms; idp RS256 ${tr.toFixed(1)} tokens/s p99 ${mean(rs, "p99ms").toFixed(1)} ms; oidc-provider 9.13.3 ${to.toFixed(1)} tokens/s p99 ${po.toFixed(1)} ms; idp storing access tokens ${ts.toFixed(1)} tokens/s p99 ${mean(stored, "p99ms").toFixed(1)} ms`);
const [ci, cr, co] = [mean(idp, "cpuMsPerToken"), mean(rs, "cpuMsPerToken"), mean(op, "cpuMsPerToken")];
console.log(`ratio (idp ES256 / oidc-provider): throughput ${(ti / to).toFixed(2)}x, p99 latency ${(pi / po).toFixed(2)}x, cpu per token ${(ci / co).toFixed(2)}x`);
console.log(`ratio (idp RS256 / oidc-provider): throughput ${(tr / to).toFixed(2)}x, p99 latency ${(mean(rs, "p99ms") / po).toFixed(2)}x, cpu per token ${(cr / co).toFixed(2)}x`);
console.log(`ES256 instead of RS256 access tokens: throughput ${(ti / tr).toFixed(2)}x, cpu per token ${(ci / cr).toFixed(2)}x`);
console.log(`storing each access token: throughput ${(ts / ti).toFixed(2)}x of the idp without, cpu per token ${(mean(stored, "cpuMsPerToken") / ci).toFixed(2)}x`);
console.log(`machine load average now: ${require("fs").readFileSync("/proc/loadavg", "utf8").split(" ")[0]} (2 cores)`);
' "${results[@]}"
