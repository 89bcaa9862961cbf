# Sourced by test.sh and bench scripts: a private PostgreSQL on 127.0.0.1 in a temp folder.
# PostgreSQL cannot be told "any free port", so a port is tried and, if another process has it,
# the next; the one it got is passed on in FEDERATION_TEST_POSTGRES (and PG_PORT).
pg_throwaway_start() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_DIR=$(mktemp -d /tmp/federation-pg.XXXXXX)
  local run=()
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$PG_DIR"; run=(runuser -u postgres --); fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U federation --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  local given=${PG_PORT:-} attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    # A given port is used as is; otherwise one from a range no service of ours listens on.
    PG_PORT=${given:-$((20000 + RANDOM % 30000))}
    if "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 120 \
      -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=300 -c fsync=off" start >/dev/null; then
      export FEDERATION_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=federation;Database=postgres"
      export PG_PORT
      PG_BIN=$bin
      echo "PostgreSQL started on 127.0.0.1:$PG_PORT"
      return 0
    fi
    if [[ -n "$given" ]] || ! grep -q "could not bind\|already in use" "$PG_DIR/log"; then break; fi
  done
  echo "PostgreSQL did not start; its log:" >&2
  cat "$PG_DIR/log" >&2
  return 1
}
pg_throwaway_stop() {
  local run=()
  [[ $(id -u) -eq 0 ]] && run=(runuser -u postgres --)
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
