# Sourced by test.sh and bench scripts: a private PostgreSQL on 127.0.0.1 in a temp folder.
pg_throwaway_start() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_DIR=$(mktemp -d /tmp/federation-pg.XXXXXX)
  PG_PORT=${PG_PORT:-55432}
  local run=()
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$PG_DIR"; run=(runuser -u postgres --); fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U federation --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=300 -c fsync=off" start >/dev/null
  export FEDERATION_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=federation;Database=postgres"
  PG_BIN=$bin
  echo "PostgreSQL started on 127.0.0.1:$PG_PORT"
}
pg_throwaway_stop() {
  local run=()
  [[ $(id -u) -eq 0 ]] && run=(runuser -u postgres --)
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
