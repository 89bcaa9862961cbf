#!/usr/bin/env bash
# Token endpoint benchmark: client-credentials tokens per second and p99 latency of the
# federation idp against node oidc-provider 9.13.3 (same client, RS256 JWT access tokens,
# same load generator, same run), and the ratio. Loopback only, bounded in time.
#   bench/idp/run.sh            (CONCURRENCY=16 DURATION=15 WARMUP=5 by default)
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)
export CONCURRENCY=${CONCURRENCY:-16} DURATION=${DURATION:-15} WARMUP=${WARMUP:-5}
export CLIENT_ID=bench-client CLIENT_SECRET=bench-secret-0123456789
feed_port=5802 op_port=5801 idp_port=5803

[[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
dotnet build "$root/idp/Federation.Idp.csproj" -c Release -nologo -v q >/dev/null

work=$(mktemp -d /tmp/federation-bench-idp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PORT=$feed_port node feed-server.mjs >"$work/feed.log" 2>&1 & pids+=($!)
bin="$root/idp/bin/Release/net10.0"
(cd "$work" && exec env ASPNETCORE_ENVIRONMENT=Production dotnet "$bin/Federation.Idp.dll" \
  --contentRoot "$bin" --urls "http://127.0.0.1:$idp_port" \
  --Idp:Issuer="http://127.0.0.1:$idp_port/" --Idp:SeedDemoUsers=false --Idp:SigninEventsUrl= \
  --Feed:FeedUrl="http://127.0.0.1:$feed_port/api/federation/feed" --Feed:CachePath="$work/feed-cache.json" \
  --Database:ConnectionString="Data Source=$work/idp.db" \
  --Logging:LogLevel:Default=Warning) >"$work/idp.log" 2>&1 & pids+=($!)
PORT=$op_port node oidc-provider-server.mjs >"$work/op.log" 2>&1 & pids+=($!)

token() { curl -fsS -o /dev/null -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET&scope=federation.feed" "$1"; }
for url in "http://127.0.0.1:$idp_port/connect/token" "http://127.0.0.1:$op_port/token"; do
  for _ in $(seq 1 120); do token "$url" 2>/dev/null && break; sleep 0.5; done
  token "$url" || { echo "no token from $url"; cat "$work"/*.log; exit 1; }
done

echo "load: $CONCURRENCY concurrent clients, ${WARMUP}s warm-up, ${DURATION}s measured, each server alone on the machine"
idp=$(URL="http://127.0.0.1:$idp_port/connect/token" node load.mjs)
op=$(URL="http://127.0.0.1:$op_port/token" node load.mjs)
node -e '
const [idp, op] = process.argv.slice(1).map(JSON.parse);
const row = (name, r) => console.log(`${name.padEnd(22)} ${String(r.tokensPerSecond).padStart(9)} tokens/s   p50 ${String(r.p50ms).padStart(7)} ms   p99 ${String(r.p99ms).padStart(7)} ms   errors ${r.errors}`);
row("federation idp", idp);
row("oidc-provider 9.13.3", op);
console.log(`ratio (idp / oidc-provider): throughput ${(idp.tokensPerSecond / op.tokensPerSecond).toFixed(2)}x, p99 ${(op.p99ms / idp.p99ms).toFixed(2)}x lower`);
' "$idp" "$op"
