#!/usr/bin/env bash
# Sign-in benchmark: whole sign-ins of one person through the gateway (portal → authorize → login
# form → code → token → callback → backend page), each from a fresh cookie jar, one at a time, and
# the CPU time each service spent per sign-in (user+system from /proc/<pid>/stat before and after,
# minus what the same process spends idle over as long). The federation runs as ./run.sh starts it
# (demo register, demo users, SQLite, the usual ports 5000/5100/5300/5400) in a throw-away folder.
#   bench/signin/run.sh     (SIGNINS=20 WARMUP=40 IDLE=5 to change; ENVIRONMENT=Development;
#                            PROFILE=1 records CPU samples of every service over the measured sign-ins
#                            with perf to /tmp/signin-perf.data: perf report -i … --pid <pid>;
#                            JITLOG=1 lists every method each service's JIT compiles in
#                            /tmp/signin-jit-<service>.txt, the line count at the measured start in .mark)
# Exits non-zero only when something fails (a sign-in that does not reach the backend's page).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export PATH="$PATH:$HOME/.dotnet/tools"
SIGNINS=${SIGNINS:-20} WARMUP=${WARMUP:-40} IDLE=${IDLE:-5} ENVIRONMENT=${ENVIRONMENT:-Development}
for p in 5300 5100 5400 5000 6300 6100 6400 6000; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is taken (is ./run.sh running?)" >&2; exit 1; fi
done

echo "Building (Release)…" >&2
dotnet build Federation.Services.slnf -c Release -nologo -v q >&2

work=$(mktemp -d /tmp/federation-bench-signin.XXXXXX)
mkdir -p "$work/data"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

declare -A pid_of
# One person signs in again and again here: the per-account attempt limit (a defence against
# guessing one account's password) is raised to its maximum for this run only.
start() { # name folder dll port
  local name=$1 bin="$root/$2/bin/Release/net10.0" dll=$3 port=$4
  local diagnostics=()
  # perf reads the JIT's symbol map; it cannot map code that W^X double-maps.
  if [[ -n ${PROFILE:-} ]]; then diagnostics+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
  # One line per method the JIT compiles, with its tier: what is still compiled after the warm-up.
  if [[ -n ${JITLOG:-} ]]; then diagnostics+=(DOTNET_JitStdOutFile="/tmp/signin-jit-$name.txt" DOTNET_JitDisasmSummary=1); rm -f "/tmp/signin-jit-$name.txt"; fi
  (cd "$work" && exec env "${diagnostics[@]}" ASPNETCORE_ENVIRONMENT="$ENVIRONMENT" Database__SeedDemo=true Idp__SeedDemoUsers=true \
    Management__Port=$(( port + 1000 )) Login__AttemptsPerAccount=10000 Feed__CachePath="$work/data/$name-feed.json" \
    dotnet "$bin/$dll" --contentRoot "$bin" --urls "http://127.0.0.1:$port") >"$work/$name.log" 2>&1 &
  pids+=($!); pid_of[$name]=$!; echo "$name: pid $!" >&2
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health/live" 2>/dev/null && return 0
    kill -0 "${pid_of[$name]}" 2>/dev/null || break
    sleep 0.5
  done
  echo "$name did not start:" >&2; tail -n 30 "$work/$name.log" >&2; exit 1
}
start inventory inventory Federation.Inventory.dll 5300
start idp idp Federation.Idp.dll 5100
start procapita demo/ProCapitaStandIn Federation.Demo.ProCapita.dll 5400
start gateway gateway Federation.Gateway.dll 5000
services=(idp gateway inventory procapita)

cpu_ms() { # pid → user+system CPU ms so far
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000 / tck }' "/proc/$1/stat"
}
# "tid:CPU ms" of each thread that recompiles hot methods in the background (tiered compilation).
# Such a thread may end and another start: the difference is taken per thread (jit_delta).
jit_threads() {
  local t out=""
  for t in /proc/"$1"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == ".NET Tiered Com"* ]] || continue
    out+="${t##*/}:$(awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000 / tck }' "$t/stat" 2>/dev/null || echo 0),"
  done
  echo "${out:-none}"
}
snapshot() { local out=""; for s in "${services[@]}"; do out+="$(cpu_ms "${pid_of[$s]}") "; done; echo "$out"; }
jit_snapshot() { local out=""; for s in "${services[@]}"; do out+="$(jit_threads "${pid_of[$s]}") "; done; echo "$out"; }
total() { awk '{ for (i = 1; i <= NF; i++) s += $i; print s }' <<<"$1"; }
# Waits (at most 30 s) until the services together spend under 50 ms of CPU per second: the JIT
# recompiles in the background for a while after a burst of new work.
settle() {
  local a b
  for _ in $(seq 1 30); do
    a=$(total "$(snapshot)"); sleep 1; b=$(total "$(snapshot)")
    if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a < 50) }'; then return 0; fi
  done
  return 0
}
run_signins() { SIGNINS=$1 node bench/signin/signin.mjs; }

# The gateway routes /procapita/ once it has read the register's feed.
for _ in $(seq 1 120); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/procapita/) == 302 ]] && break; sleep 0.5
done
# Warm-up: the JIT (tiered PGO) recompiles a method after 30 calls and again after 30 more with
# profile data; a service that sees one request per sign-in needs that many sign-ins.
warm=$(run_signins "$WARMUP")
[[ $(node -p "JSON.parse(process.argv[1]).errors" "$warm") == 0 ]] || { echo "warm-up failed: $warm" >&2; tail -n 20 "$work"/*.log >&2; exit 1; }

# Idle: what each service spends with nobody signing in (feed polls, metrics, timers), measured
# before and after the sign-ins and averaged.
settle
idle_before=($(snapshot)); sleep "$IDLE"; idle_after=($(snapshot))

# PROFILE=1: CPU samples of every service (perf, with the JIT's symbol maps) over the measured sign-ins.
perf_pid=""
if [[ -n ${PROFILE:-} ]]; then
  perf record -e cpu-clock -F 499 -g -o /tmp/signin-perf.data \
    -p "$(IFS=,; echo "${pid_of[*]}")" >"$work/perf.log" 2>&1 &
  perf_pid=$!; sleep 1
fi

if [[ -n ${JITLOG:-} ]]; then for s in "${services[@]}"; do wc -l <"/tmp/signin-jit-$s.txt" >"/tmp/signin-jit-$s.mark"; done; fi
jit_before=($(jit_snapshot)); before=($(snapshot))
result=$(run_signins "$SIGNINS")
after=($(snapshot)); jit_after=($(jit_snapshot))

if [[ -n $perf_pid ]]; then kill -TERM "$perf_pid"; wait "$perf_pid" || true; tail -n 3 "$work/perf.log" >&2; fi

settle
idle2_before=($(snapshot)); sleep "$IDLE"; idle2_after=($(snapshot))
for i in "${!idle_before[@]}"; do
  idle_after[$i]=$(awk -v a="${idle_after[$i]}" -v b="${idle_before[$i]}" -v c="${idle2_after[$i]}" -v d="${idle2_before[$i]}" 'BEGIN { print b + ((a - b) + (c - d)) / 2 }')
done

hash="ASP.NET Core Identity PasswordHasher V3 defaults: PBKDF2-HMAC-SHA512, 100000 iterations, 128-bit salt, 256-bit subkey"
# The same hash's CPU now, in OpenSSL through node (.NET on Linux computes PBKDF2 with OpenSSL too).
hash_ms=$(node -e '
const { pbkdf2Sync, randomBytes } = require("crypto");
const salt = randomBytes(16); pbkdf2Sync("Skola-Demo-2026!", salt, 100000, 32, "sha512");
const t = process.cpuUsage(); for (let i = 0; i < 5; i++) pbkdf2Sync("Skola-Demo-2026!", salt, 100000, 32, "sha512");
const u = process.cpuUsage(t); console.log(((u.user + u.system) / 5000).toFixed(1));')
node - "$result" "$IDLE" "$(cat /proc/loadavg)" "$hash" "${services[*]}" "${idle_before[*]}" "${idle_after[*]}" "${before[*]}" "${after[*]}" "${jit_before[*]}" "${jit_after[*]}" "$hash_ms" <<'JS'
const [result, idle, load, hash, names, ib, ia, b, a, jb, ja, hashMs] = process.argv.slice(2);
const r = JSON.parse(result), n = names.split(" "), num = (s) => s.trim().split(/\s+/).map(Number);
const [idleBefore, idleAfter, before, after] = [ib, ia, b, a].map(num);
// Per service "tid:ms,…": what each tiered-JIT thread alive at the end spent since the start (a
// thread that ended meanwhile is not counted: the column is a lower bound).
const threads = (s) => Object.fromEntries(s.split(",").filter((t) => t.includes(":")).map((t) => t.split(":")).map(([k, v]) => [k, Number(v)]));
const jitSpent = jb.trim().split(/\s+/).map((before, i) => {
  const [b0, a0] = [threads(before), threads(ja.trim().split(/\s+/)[i])];
  return Object.entries(a0).reduce((sum, [tid, ms]) => sum + ms - (b0[tid] ?? 0), 0);
});
const ok = r.signins - r.errors;
console.log(`${r.signins} sign-ins of one person, one at a time, fresh cookie jar each: ${ok} reached the backend's page, ${r.errors} errors${r.firstError ? ` (first: ${r.firstError})` : ""}`);
console.log(`${(ok / r.seconds).toFixed(1)} sign-ins/s (${(1000 * r.seconds / r.signins).toFixed(0)} ms each, ${(r.hops / Math.max(ok, 1)).toFixed(0)} requests each)`);
console.log(`password hash: ${hash}; one costs ${hashMs} ms of CPU now (OpenSSL PBKDF2, same run)`);
console.log("");
console.log("| service   | CPU ms per sign-in (idle subtracted) | of which tiered JIT | besides the JIT | idle CPU ms/s |");
console.log("|-----------|-------------------------------------:|--------------------:|----------------:|--------------:|");
const sums = [0, 0, 0], cell = (v, w) => v.toFixed(1).padStart(w);
n.forEach((name, i) => {
  const idleRate = (idleAfter[i] - idleBefore[i]) / Number(idle);
  const per = ((after[i] - before[i]) - idleRate * r.seconds) / Math.max(ok, 1);
  const jit = jitSpent[i] / Math.max(ok, 1);
  [per, jit, per - jit].forEach((v, k) => sums[k] += v);
  console.log(`| ${name.padEnd(9)} | ${cell(per, 36)} | ${cell(jit, 19)} | ${cell(per - jit, 15)} | ${cell(idleRate, 13)} |`);
});
console.log(`| ${"all".padEnd(9)} | ${cell(sums[0], 36)} | ${cell(sums[1], 19)} | ${cell(sums[2], 15)} |               |`);
console.log(`| besides the password hash | ${cell(sums[0] - Number(hashMs), 20)} |                     | ${cell(sums[2] - Number(hashMs), 15)} |               |`);
console.log(`load average: ${load.split(" ").slice(0, 3).join(" ")} (2 cores)   ${new Date().toISOString()}`);
process.exitCode = r.errors > 0 ? 1 : 0;
JS
