#!/usr/bin/env bash
# Runs every test of Formation on a fresh Debian machine: installs what is missing (Debian's chromium for
# Playwright, PostgreSQL, the npm packages), starts a throwaway PostgreSQL server, then runs unit, integration
# and end-to-end tests on SQLite, and the integration tests again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
log=$(mktemp)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. System packages.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# PDFsharp draws certificates with DejaVu Sans (Learning).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Front-end packages (DSFR, axe-core), from the lockfile. DSFR's postinstall is interactive: scripts are skipped.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# 3. A throwaway PostgreSQL server on loopback, stopped on exit.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgdir=$(mktemp -d /tmp/formation-pg.XXXXXX)
pgport=${FORMATION_PG_PORT:-55432}
pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pgdir"
pg "$pgbin/initdb" -D "$pgdir/data" -U formation --auth=trust -E UTF8 >/dev/null
pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
cleanup() { pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pgdir" "$log"; }
trap cleanup EXIT

# 4. Build once, then test.
dotnet build Formation.sln -c Release --nologo -v quiet 2>&1 | tail -n 3
status=0
dotnet test Formation.sln -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=1
echo "Integration tests on PostgreSQL:"
FORMATION_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=formation;Database=postgres" \
  dotnet test tests/Formation.Tests -c Release --no-build --nologo --filter "Category=Integration" 2>&1 | tee -a "$log" || status=1

# 5. One closing line for every run together.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "Tests: $passed passed, $failed failed"
exit $status
