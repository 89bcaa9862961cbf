#!/usr/bin/env bash
# Starts the whole federation on 127.0.0.1 with the embedded default (SQLite files in ./data,
# demo register, demo users: asked for explicitly below, as they are created only in Development otherwise): inventory :5300, idp :5100, gateway :5000, demo backend :5400.
# Ctrl+C stops them all. Logs go to data/logs/<service>.log.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data/logs
dotnet build Federation.Services.slnf -c Release -nologo -v q

# The demo register and the demo users (their secrets and password are in the README).
export Database__SeedDemo=true Idp__SeedDemoUsers=true

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

start() { # name project url (metrics and health details on the url's port + 1000)
  local name=$1 project=$2 url=$3
  [[ -f "$project" ]] || return 0
  ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    Management__Port=$(( ${url##*:} + 1000 )) \
    dotnet run -c Release --no-build --no-launch-profile --project "$project" -- --urls "$url" \
    >"data/logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if curl -fsS "$url/health/live" >/dev/null 2>&1; then echo "  $name  $url  (metrics: ${url%:*}:$(( ${url##*:} + 1000 ))/metrics)"; return 0; fi
    sleep 0.5
  done
  echo "$name did not start; see data/logs/$name.log" >&2; exit 1
}

echo "Federation starting:"
start inventory inventory/Federation.Inventory.csproj http://127.0.0.1:5300
start idp idp/Federation.Idp.csproj http://127.0.0.1:5100
start demo-backend demo/ProCapitaStandIn/Federation.Demo.ProCapita.csproj http://127.0.0.1:5400
start gateway gateway/Federation.Gateway.csproj http://127.0.0.1:5000
echo "Register API reference: http://127.0.0.1:5300/scalar   Sign in: http://127.0.0.1:5000/"
echo "Ctrl+C stops all."
wait
