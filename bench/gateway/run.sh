#!/usr/bin/env bash
# Gateway benchmark, one run on loopback with wrk: the backend direct, nginx as a plain reverse
# proxy, bare YARP with one static route, and the Federation gateway with the access-policy check
# and signed identity headers, once for a person with a session cookie (made by the gateway's own
# OpenID Connect sign-in) and once for a program with a bearer token. Prints req/s, p50, p99, ratios,
# and the CPU time per request of the proxy and of the backend.
#   bench/gateway/run.sh            (DURATION=10s WARMUP=15s CONNECTIONS=32 THREADS=1 to change;
#                                    LAYOUT=pinned puts wrk alone on CPU 1 and everything measured on CPU 0;
#                                    PROFILE=/tmp/gw.nettrace to sample the gateway's CPU with dotnet-trace;
#                                    PERF=/tmp/gw-perf to sample the gateway with perf during the cookie run
#                                    (writes <PERF>.cookie.txt and <PERF>.bearer.txt, hottest symbols first);
#                                    ALLOCS=1 samples the gateway's allocations (dotnet-trace, gc-verbose) during
#                                    the cookie and bearer runs and prints where the bytes go;
#                                    DIAG=1 adds rows for the gateway without proxying)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
DURATION=${DURATION:-10s}
# .NET compiles hot code again with profile data (tiered PGO) during the first seconds under load;
# a short warm-up measures that instrumented code, not the steady state (3 s: bare YARP 0.6x nginx).
WARMUP=${WARMUP:-15s}
LAYOUT=${LAYOUT:-shared}
warm_s=${WARMUP%s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is missing (apt-get install nginx-light)" >&2; exit 1; }

echo "Building (Release)…" >&2
dotnet build -c Release -nologo -v q bench/gateway/BenchKit/BenchKit.csproj >&2
dotnet build -c Release -nologo -v q gateway/Federation.Gateway.csproj >&2
kit=bench/gateway/BenchKit/bin/Release/net10.0/BenchKit.dll
gatewaydll=gateway/bin/Release/net10.0/Federation.Gateway.dll

# shared: every process on both cores, as deployed. pinned: wrk (one thread) alone on CPU 1, the
# proxies and the backend on CPU 0, so the load generator never competes with what it measures.
server=(); client=()
if [[ $LAYOUT == pinned ]]; then server=(taskset -c 0); client=(taskset -c 1); fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$@" 2>/dev/null && return 0; sleep 0.2; done; echo "not answering: $*" >&2; exit 1; }

backend_port=$(free_port); yarp_port=$(free_port); nginx_port=$(free_port); issuer_port=$(free_port); gateway_port=$(free_port)
management_port=$(free_port)
backend=http://127.0.0.1:$backend_port

perf_env=()
# perf names JIT-compiled frames from the runtime's perf map; W^X double-maps code and hides them.
[[ -n ${PERF:-} ]] && perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
DOTNET_gcServer=1 "${server[@]}" dotnet "$kit" backend --urls "$backend" >"$work/backend.log" 2>&1 & pids+=($!)
backend_pid=$!
env "${perf_env[@]}" "${server[@]}" dotnet "$kit" yarp --urls "http://127.0.0.1:$yarp_port" --upstream "$backend" >"$work/yarp.log" 2>&1 & pids+=($!)
yarp_pid=$!
dotnet "$kit" issuer --urls "http://127.0.0.1:$issuer_port" --token-file "$work/token" >"$work/issuer.log" 2>&1 & pids+=($!)

cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body; proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi; uwsgi_temp_path $work/nginx-uwsgi; scgi_temp_path $work/nginx-scgi;
  upstream backend { server 127.0.0.1:$backend_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location /bench/ {
      proxy_pass http://backend/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGINX
"${server[@]}" nginx -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.log" 2>&1 & pids+=($!)
nginx_pid=$!

wait_for "$backend/health"
wait_for "http://127.0.0.1:$issuer_port/jwks"
# The gateway starts from its kept feed (the register is deliberately absent): one system.
cat >"$work/feed.json" <<JSON
{"feed":{"version":1,"generatedAt":"2026-01-01T00:00:00Z","systems":[{"id":"bench","name":"Bench","lifecycle":"AnvandningOchSupport",
 "access":{"roles":["larare","rektor"],"groups":[],"schoolUnits":["41526371"],"assuranceLevel":"loa2"},
 "release":["given_name","roles","school_units","acr"],
 "backend":{"publicPath":"/bench","upstreams":["$backend"],"healthPath":"/health","identityForwarding":"headers"}},
 {"id":"rektor","name":"Rektor only","lifecycle":"AnvandningOchSupport",
 "access":{"roles":["rektor"],"groups":[],"schoolUnits":[],"assuranceLevel":"loa2"},"release":[],
 "backend":{"publicPath":"/rektor","upstreams":["$backend"],"healthPath":"/health","identityForwarding":"headers"}}]}}
JSON
env "${perf_env[@]}" ASPNETCORE_ENVIRONMENT=Production \
Logging__LogLevel__Default=Error \
Feed__FeedUrl="http://127.0.0.1:9/api/federation/feed" Feed__CachePath="$work/feed.json" Feed__MaxRetryDelay=00:01:00 \
Identity__Authority="http://127.0.0.1:$issuer_port/" Identity__ClientSecret=bench-secret \
Gateway__Backends__bench__SigningKey=bench-signing-key-0123456789-0123456789 \
Management__Port=$management_port \
Gateway__RateLimits__PermitsPerUser=100000000 Gateway__RateLimits__PermitsPerAddress=100000000 \
  "${server[@]}" dotnet "$gatewaydll" --urls "http://127.0.0.1:$gateway_port" --contentRoot "$root/gateway" >"$work/gateway.log" 2>&1 & pids+=($!)
gateway_pid=$!

token=$(cat "$work/token")
wait_for "http://127.0.0.1:$yarp_port/bench/"
wait_for "http://127.0.0.1:$nginx_port/bench/"
wait_for -H "Authorization: Bearer $token" "http://127.0.0.1:$gateway_port/bench/"
# A person's session: the gateway's own OpenID Connect sign-in (code + PKCE) at the bench issuer.
dotnet "$kit" signin --gateway "http://127.0.0.1:$gateway_port/" --path /bench/ --cookie-file "$work/cookie" >&2
cookie=$(cat "$work/cookie")
wait_for -H "Cookie: $cookie" "http://127.0.0.1:$gateway_port/bench/"


# CPU time (user + system, clock ticks) of processes and all their threads.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
clk_tck=$(getconf CLK_TCK)

# Bytes the .NET proxy has allocated so far (bare YARP: its /_bench/allocated; the gateway: its
# management port's /metrics, the runtime's own counter); nothing for the others.
allocated() {
  case $1 in
    yarp) curl -fsS "http://127.0.0.1:$yarp_port/_bench/allocated" ;;
    gateway) curl -fsS "http://127.0.0.1:$management_port/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes/ && !seen { printf "%.0f", $2; seen = 1 }' ;;
    *) echo "" ;;
  esac
}

run() { # name "proxy pids" url [header]: the proxy's and the backend's CPU (and the proxy's allocations) per request over the measured run
  local name=$1 proxy=$2 url=$3; shift 3
  local kind=other
  [[ $name == bare-yarp* ]] && kind=yarp
  [[ $name == gateway-* || $name == gw-* ]] && kind=gateway
  "${client[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null  # warm-up (JIT, pools)
  local proxy0 backend0 alloc0; alloc0=$(allocated $kind); proxy0=$(cpu_ticks $proxy); backend0=$(cpu_ticks "$backend_pid")
  "${client[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$work/$name.wrk"
  local proxy1 backend1 alloc1; proxy1=$(cpu_ticks $proxy); backend1=$(cpu_ticks "$backend_pid"); alloc1=$(allocated $kind)
  local rps p50 p99 errors requests
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$name.wrk")
  requests=$(awk '/requests in/ {print $1}' "$work/$name.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$work/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$work/$name.wrk")
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$work/$name.wrk")
  local proxy_us backend_us
  proxy_us=$(awk -v a="$proxy0" -v b="$proxy1" -v n="$requests" -v h="$clk_tck" 'BEGIN { printf "%.1f", (b - a) / h * 1e6 / n }')
  backend_us=$(awk -v a="$backend0" -v b="$backend1" -v n="$requests" -v h="$clk_tck" 'BEGIN { printf "%.1f", (b - a) / h * 1e6 / n }')
  [[ -n $proxy ]] || proxy_us=-
  local alloc_kb=-
  [[ -n $alloc0 && -n $alloc1 ]] && alloc_kb=$(awk -v a="$alloc0" -v b="$alloc1" -v n="$requests" 'BEGIN { printf "%.2f", (b - a) / 1024 / n }')
  echo "$name $rps $p50 $p99 $proxy_us $backend_us $alloc_kb ${errors:-}" >>"$work/results"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP) on $(nproc) cores, layout $LAYOUT, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run backend-direct "" "$backend/"
run nginx "$(pgrep -d" " -P "$nginx_pid")" "http://127.0.0.1:$nginx_port/bench/"
perf_during() { # label [pid]: perf samples of the gateway (or pid) during the next measured run
  [[ -n ${PERF:-} ]] || return 0
  (sleep $((warm_s + 1)); perf record -q -F 999 -g -p "${2:-$gateway_pid}" -o "$PERF.$1.data" -- sleep 6 >/dev/null 2>&1
   perf report -i "$PERF.$1.data" --no-children --sort dso,symbol -g none --percent-limit 0.4 --stdio 2>/dev/null | grep -v '^$' >"$PERF.$1.txt") &
}
allocs_during() { # label: the gateway's allocation samples during the next measured run (ALLOCS=1)
  [[ -n ${ALLOCS:-} ]] || return 0
  local tool=${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}
  (sleep $((warm_s + 1)); "$tool" collect -p "$gateway_pid" --profile gc-verbose --duration 00:00:00:05 -o "$work/$1.nettrace" >/dev/null 2>&1) &
}
perf_during yarp "$yarp_pid"
run bare-yarp "$yarp_pid" "http://127.0.0.1:$yarp_port/bench/"
# The gateway's peers: bare YARP sent the very same requests (the session cookie, the bearer
# token), so the bytes a proxy must read and parse are the same on both sides of the ratio.
run bare-yarp-cookie "$yarp_pid" "http://127.0.0.1:$yarp_port/bench/" -H "Cookie: $cookie" -H "Accept: text/html"
run bare-yarp-bearer "$yarp_pid" "http://127.0.0.1:$yarp_port/bench/" -H "Authorization: Bearer $token"
if [[ -n ${DIAG:-} ]]; then
  # Gateway -> backend connections in the middle of its run: a few dozen means pooled keep-alive.
  (sleep $((warm_s + 5)); ss -tnp state established "( dport = :$backend_port )" | grep -c "pid=$gateway_pid," >"$work/upstream-connections") &
  (sleep $((warm_s + 5)); ps -o nlwp= -p "$gateway_pid" >"$work/gateway-threads") &
fi
if [[ -n ${PROFILE:-} ]]; then
  # PROFILE=out.nettrace: CPU samples of the gateway during its measured run (dotnet-trace).
  (sleep $((warm_s + 1)); dotnet-trace collect -p "$gateway_pid" --profile dotnet-sampled-thread-time --format Speedscope --duration 00:00:00:06 -o "$PROFILE" >/dev/null 2>&1) &
fi
perf_during cookie
allocs_during gateway-cookie
run gateway-cookie "$gateway_pid" "http://127.0.0.1:$gateway_port/bench/" -H "Cookie: $cookie" -H "Accept: text/html"
perf_during bearer
allocs_during gateway-bearer
run gateway-bearer "$gateway_pid" "http://127.0.0.1:$gateway_port/bench/" -H "Authorization: Bearer $token"
if [[ -n ${DIAG:-} ]]; then
  # Where the gateway's time goes: its pipeline without proxying, and the gate without a backend call.
  run gw-health-live "$gateway_pid" "http://127.0.0.1:$gateway_port/health/live"
  run gw-401-no-token "$gateway_pid" "http://127.0.0.1:$gateway_port/bench/" -H "Accept: application/json"
  run gw-403-policy "$gateway_pid" "http://127.0.0.1:$gateway_port/rektor/" -H "Authorization: Bearer $token"
fi

awk '
  { name[NR]=$1; rps[NR]=$2; p50[NR]=$3; p99[NR]=$4; pcpu[NR]=$5; bcpu[NR]=$6; kb[NR]=$7; err[NR]=""; for (i=8;i<=NF;i++) err[NR]=err[NR] " " $i
    if ($1=="nginx") nginx=$2; if ($1=="bare-yarp") yarp=$2
    if ($1 ~ /^bare-yarp/) { peer=$1; sub(/^bare-yarp/, "", peer); peercpu[peer]=$5 } }
  END {
    printf "%-20s %10s %10s %10s %8s %8s %12s %10s %12s %14s\n", "target", "req/s", "p50", "p99", "x nginx", "x yarp", "proxy us/req", "cpu x yarp", "proxy KB/req", "backend us/req"
    for (i=1;i<=NR;i++) {
      # The gateway against bare YARP sent the same requests (-cookie, -bearer), the rest against plain bare YARP.
      kind = name[i]; sub(/^(gateway|bare-yarp)/, "", kind); if (!(kind in peercpu)) kind = ""
      ratio = (pcpu[i] != "-" && peercpu[kind] > 0) ? sprintf("%.2f", pcpu[i] / peercpu[kind]) : "-"
      printf "%-20s %10.0f %10s %10s %8.2f %8.2f %12s %10s %12s %14s%s\n", name[i], rps[i], p50[i], p99[i], rps[i]/nginx, rps[i]/yarp, pcpu[i], ratio, kb[i], bcpu[i], err[i]
    }
  }' "$work/results"
echo "us/req: CPU time (user + system) per request over the measured run, the proxy's processes and the backend's;"
echo "cpu x yarp: the proxy's CPU per request against bare YARP's in this run, sent the same requests (gateway-cookie"
echo "against bare-yarp-cookie, gateway-bearer against bare-yarp-bearer); KB/req: bytes the proxy allocated per request"
for name in gateway-cookie gateway-bearer; do
  [[ -f $work/$name.nettrace ]] || continue
  # The trace covers 5 s of the 10 s run: scale the run's request count to it.
  requests=$(awk -v d="${DURATION%s}" '/requests in/ {print $1 * 5 / d}' "$work/$name.wrk")
  echo; echo "== allocations, $name (sampled over 5 s)"
  dotnet "$kit" allocations --trace "$work/$name.nettrace" --requests "$requests"
done
if [[ -f "$work/upstream-connections" ]]; then
  echo "gateway -> backend connections during its run: $(cat "$work/upstream-connections"); gateway threads: $(cat "$work/gateway-threads")"
fi
