#!/usr/bin/env bash
# Starts the whole federation on 127.0.0.1 with the embedded default (SQLite files in ./data,
# demo register, demo users: asked for explicitly below, as they are created only in Development otherwise): inventory :5300, idp :5100, gateway :5000,
# and a stand-in for each kind of system of the demo register: the gateway backends ProCapita :5400, the intranet
# :5401 and Förskoleportalen :5402 (one program, demo/Backend), the e-service "Ansök om skolskjuts" :5403 (an OIDC
# relying party of its own, demo/EService) and Schoolsoft :5404 (a SAML service provider, demo/SchoolsoftStandIn, Node).
# Ctrl+C stops them all. Logs go to data/logs/<service>.log.
#
# ./run.sh --postgres: the scale-out layout instead. A PostgreSQL cluster kept in data/pg (port
# $PG_PORT, default 55432; a database per service), two replicas each of the register, the idp and
# the gateway, and nginx (Debian's) in front of each pair on the usual public ports, round robin,
# no sticky sessions. Logs in data/logs/<service>-a.log, -b.log and nginx's in data/nginx/logs.
set -euo pipefail
cd "$(dirname "$0")"
postgres=false
if [[ "${1:-}" == "--postgres" ]]; then postgres=true; fi
mkdir -p data/logs
dotnet build Federation.Services.slnf -c Release -nologo -v q
command -v node >/dev/null || { echo "Node 20 is missing (the Schoolsoft stand-in runs on it)" >&2; exit 1; }
[[ -d demo/SchoolsoftStandIn/node_modules ]] || (cd demo/SchoolsoftStandIn && npm ci --no-audit --no-fund --loglevel=error)

# The demo register and the demo users (their secrets and password are in the README).
export Database__SeedDemo=true Idp__SeedDemoUsers=true

pids=()
stop() {
  kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
  if $postgres; then
    [[ -f data/nginx/nginx.pid ]] && nginx -p "$PWD/data/nginx" -c nginx.conf -s stop 2>/dev/null || true
    pg_stop
  fi
}
trap stop EXIT INT TERM

start() { # name project url (metrics and health details on the url's port + 1000)
  local name=$1 project=$2 url=$3
  [[ -f "$project" ]] || return 0
  ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    Management__Port=$(( ${url##*:} + 1000 )) \
    dotnet run -c Release --no-build --no-launch-profile --project "$project" -- --urls "$url" \
    >"data/logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do
    if curl -fsS "$url/health/live" >/dev/null 2>&1; then echo "  $name  $url  (metrics: ${url%:*}:$(( ${url##*:} + 1000 ))/metrics)"; return 0; fi
    sleep 0.5
  done
  echo "$name did not start; see data/logs/$name.log" >&2; exit 1
}

# The demo register's systems, one stand-in each (after the idp: the e-service and Schoolsoft read its metadata).
start_backend() { # system-id "display name" port
  Federation__SystemId=$1 Federation__DisplayName=$2 Federation__SigningKey="$1-demo-signing-key-change-me-0123456789" \
    Federation__GatewayAddress="http://127.0.0.1:5000/$1/" start "$1" demo/Backend/Federation.Demo.Backend.csproj "http://127.0.0.1:$3"
}
start_standins() {
  start_backend procapita "ProCapita Education" 5400
  start_backend intranat "Intranätet" 5401
  start_backend forskoleportalen "Förskoleportalen" 5402
  start e-skolskjuts demo/EService/Federation.Demo.EService.csproj http://127.0.0.1:5403
  PORT=5404 node demo/SchoolsoftStandIn/server.mjs >data/logs/schoolsoft.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if curl -fsS http://127.0.0.1:5404/health/live >/dev/null 2>&1; then echo "  schoolsoft  http://127.0.0.1:5404  (SAML SP)"; return 0; fi
    sleep 0.5
  done
  echo "schoolsoft did not start; see data/logs/schoolsoft.log" >&2; exit 1
}

try_it() {
  echo "Portal: http://127.0.0.1:5000/ (sign in as elin.elev, anna.larare, rolf.rektor …; password in the README)"
  echo "Through the gateway: /procapita/ /intranat/ /forskoleportalen/   E-service (loa3): http://127.0.0.1:5403/   Schoolsoft (SAML): http://127.0.0.1:5404/"
  echo "Register API reference: http://127.0.0.1:5300/scalar/"
}

if ! $postgres; then
  echo "Federation starting:"
  start inventory inventory/Federation.Inventory.csproj http://127.0.0.1:5300
  start idp idp/Federation.Idp.csproj http://127.0.0.1:5100
  start_standins
  start gateway gateway/Federation.Gateway.csproj http://127.0.0.1:5000
  try_it
  echo "Ctrl+C stops all."
  wait
  exit 0
fi

# --- Scale-out layout -------------------------------------------------------------------------
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$bin" ]] || { echo "PostgreSQL is missing: apt-get install postgresql" >&2; exit 1; }
PG_PORT=${PG_PORT:-55432}
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi
if [[ ! -d data/pg/data ]]; then
  mkdir -p data/pg
  [[ ${#as_pg[@]} -gt 0 ]] && chown postgres data/pg
  "${as_pg[@]}" "$bin/initdb" -D "$PWD/data/pg/data" -U federation --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
"${as_pg[@]}" "$bin/pg_ctl" -D "$PWD/data/pg/data" -l "$PWD/data/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PWD/data/pg -c max_connections=300" start >/dev/null
pg_stop() { "${as_pg[@]}" "$bin/pg_ctl" -D "$PWD/data/pg/data" -m fast stop >/dev/null 2>&1 || true; }
for db in federation_inventory federation_idp federation_gateway; do
  "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U federation "$db" 2>/dev/null || true
done
echo "PostgreSQL on 127.0.0.1:$PG_PORT (data/pg)"
connection() { echo "Host=127.0.0.1;Port=$PG_PORT;Username=federation;Database=$1"; }

# Replicas listen on :5x10 and :5x11 (management +1000); nginx takes the public ports and
# tells them who the client was (X-Forwarded-*), which they trust from 127.0.0.1 only.
export Database__Provider=postgres ForwardedHeaders__KnownProxies__0=127.0.0.1
mkdir -p data/nginx/logs data/nginx/tmp
user=""; [[ $(id -u) -eq 0 ]] && user="user root;"
cat >data/nginx/nginx.conf <<CONF
$user
worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log logs/access.log;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
  proxy_set_header Host \$http_host;
  proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto \$scheme;
  proxy_set_header X-Forwarded-Host \$http_host;
  proxy_next_upstream error timeout;
  proxy_connect_timeout 2s;
  proxy_read_timeout 120s;
  large_client_header_buffers 8 64k;
  proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_busy_buffers_size 128k;
  upstream inventory { server 127.0.0.1:5310 max_fails=1 fail_timeout=10s; server 127.0.0.1:5311 max_fails=1 fail_timeout=10s; }
  upstream idp { server 127.0.0.1:5110 max_fails=1 fail_timeout=10s; server 127.0.0.1:5111 max_fails=1 fail_timeout=10s; }
  upstream gateway { server 127.0.0.1:5010 max_fails=1 fail_timeout=10s; server 127.0.0.1:5011 max_fails=1 fail_timeout=10s; }
  server { listen 127.0.0.1:5300; location / { proxy_pass http://inventory; } }
  server { listen 127.0.0.1:5100; location / { proxy_pass http://idp; } }
  server { listen 127.0.0.1:5000; location / { proxy_pass http://gateway; } }
}
CONF
nginx -p "$PWD/data/nginx" -c nginx.conf
echo "nginx: register :5300, idp :5100, gateway :5000 (round robin over two replicas each)"

echo "Federation starting (two replicas each):"
for r in a b; do
  port=$([[ $r == a ]] && echo 0 || echo 1)
  Database__ConnectionString=$(connection federation_inventory) start "inventory-$r" inventory/Federation.Inventory.csproj "http://127.0.0.1:531$port"
done
for r in a b; do
  port=$([[ $r == a ]] && echo 0 || echo 1)
  Database__ConnectionString=$(connection federation_idp) Feed__CachePath="data/idp-$r-feed.json" \
    start "idp-$r" idp/Federation.Idp.csproj "http://127.0.0.1:511$port"
done
start_standins
for r in a b; do
  port=$([[ $r == a ]] && echo 0 || echo 1)
  Database__ConnectionString=$(connection federation_gateway) Feed__CachePath="data/gateway-$r-feed.json" \
    start "gateway-$r" gateway/Federation.Gateway.csproj "http://127.0.0.1:501$port"
done
try_it
echo "Ctrl+C stops all (PostgreSQL's data stays in data/pg)."
wait
