#!/usr/bin/env bash
# Runs every test of the federation: unit, integration (SQLite and PostgreSQL) and interop.
# On a fresh Debian machine it installs what the tests need (PostgreSQL, Node packages, …)
# and starts a throw-away PostgreSQL on 127.0.0.1 for the duration of the run.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
started=$SECONDS

scripts/install-test-deps.sh

# A private PostgreSQL cluster for this run, unless one is given.
if [[ -z "${FEDERATION_TEST_POSTGRES:-}" ]]; then
  source scripts/pg-throwaway.sh
  pg_throwaway_start
  trap pg_throwaway_stop EXIT
fi
export FEDERATION_TEST_POSTGRES

for dir in tests/interop/*/ tests/ui/; do
  [[ -f "$dir/package-lock.json" ]] && (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet build Federation.sln -c Release -nologo -v q
status=0
# One test project at a time: parallel projects on 2 cores starve each other's timeouts.
# A test host that hangs is stopped after 10 minutes with a dump in the results folder, so a
# hang fails the run with evidence instead of eating CI's time.
dotnet test Federation.sln -c Release --no-build -nologo -m:1 \
  --blame-hang-timeout 10m --blame-hang-dump-type mini \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

# One closing line that any reader understands.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  line=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
elapsed=$((SECONDS - started))
echo "test.sh ran $((elapsed / 60)) min $((elapsed % 60)) s"
echo "$passed passed, $failed failed, $skipped skipped"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then exit 1; fi
