#!/usr/bin/env bash
# Throughput of the search API and of the server-rendered catalogue pages under wrk, next to bare Razor pages of the
# same sizes served by the same host (the ceiling). Builds Release, starts the benchmark host on 127.0.0.1 with the
# generated modules (prepared once, then reused from --data), runs wrk (bounded: -d per run), prints req/s and latency,
# then stops the host. Traffic goes to 127.0.0.1 only.
#
#   benchmarks/load.sh                     # 200,000 modules, 2 rounds of wrk -t2 -c32 -d20s per page
#   MODULES=2000 DURATION=5s ROUNDS=1 benchmarks/load.sh
#   ONLY="3 4" benchmarks/load.sh         # only these pages (indexes in the table below, from 0)
set -euo pipefail
cd "$(dirname "$0")/.."

MODULES=${MODULES:-200000}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DATA=${DATA:-/tmp/formation-bench}
PORTAL_HOST=departement.localhost
QUERY="q=attachement"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null; then
  echo "Installing wrk…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

echo "Building (Release)…"
dotnet build benchmarks/Formation.Benchmarks -c Release --nologo -v quiet 2>&1 | grep -E "error|Warn|Elapsed" || true

work=$(mktemp -d /tmp/formation-load.XXXXXX)
ready="$work/ready"
server_log="$work/server.out"
dotnet benchmarks/Formation.Benchmarks/bin/Release/net10.0/Formation.Benchmarks.dll serve \
  --modules "$MODULES" --data "$DATA" --ready-file "$ready" --max-minutes 60 >"$server_log" 2>&1 &
server=$!
stop() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
    kill -0 "$server" 2>/dev/null && kill -KILL "$server" 2>/dev/null || true
  fi
  echo "Host stopped; wrk outputs and host log kept in $work"
}
trap stop EXIT

# The first run prepares the dataset (several minutes); later runs reuse it.
echo "Starting the benchmark host (log: $server_log)…"
for _ in $(seq 1 1800); do
  [ -s "$ready" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$server_log"; echo "The benchmark host stopped."; exit 1; }
  sleep 1
done
[ -s "$ready" ] || { echo "The benchmark host did not start in 30 minutes."; exit 1; }
base=$(cat "$ready")
case "$base" in http://127.0.0.1:*) ;; *) echo "Refusing to load $base: loopback only."; exit 1 ;; esac
grep -E "Preparing|Reusing|Serving" "$server_log" || true

names=("search API" "catalogue home" "search page" "catalogue home, rendered" "search page, rendered" "bare page, size of the home (ceiling)" "bare page, size of the search page (ceiling)")
paths=("/api/search?$QUERY" "/formations" "/recherche?$QUERY" "/formations" "/recherche?$QUERY" "/bench/bare" "/bench/bare-large")
# "rendered": a request carrying credentials is never answered from the anonymous page cache, so the page runs on
# every request, as it does for a signed-in visitor. The credentials are checked by nobody on these pages.
rendered="Authorization: Basic cmVuZGVyZWQ6cmVuZGVyZWQ="
extra=("" "" "" "$rendered" "$rendered" "" "")
ONLY=${ONLY:-}   # e.g. ONLY="3 4" runs the rendered pages only
selected=("${!paths[@]}"); [ -n "$ONLY" ] && read -r -a selected <<<"$ONLY"
hdr() { if [ -n "${extra[$1]}" ]; then printf '%s\n' -H "${extra[$1]}"; fi; }

echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}'), $(wrk --version 2>&1 | head -n1 | awk '{print $1, $2}')"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -H 'Host: $PORTAL_HOST' $base<path>; $ROUNDS round(s) after a $WARMUP warm-up per path; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| page | path | bytes |"
echo "|---|---|---|"
for i in "${selected[@]}"; do
  mapfile -t h < <(hdr "$i")
  code=$(curl -s -o "$work/body.$i" -w '%{http_code}' -H "Host: $PORTAL_HOST" "${h[@]}" "$base${paths[$i]}")
  [ "$code" = 200 ] || { echo "GET ${paths[$i]} answered $code"; exit 1; }
  echo "| ${names[$i]} | \`${paths[$i]}\` | $(stat -c %s "$work/body.$i") |"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Host: $PORTAL_HOST" "${h[@]}" "$base${paths[$i]}" >/dev/null
done

# wrk prints latencies in us, ms or s: in ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

echo
echo "| round | page | req/s | latency avg (ms) | p50 | p90 | p99 | errors / non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for i in "${selected[@]}"; do
    out="$work/wrk.$round.$i.txt"
    mapfile -t h < <(hdr "$i")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -H "Host: $PORTAL_HOST" "${h[@]}" "$base${paths[$i]}" >"$out"
    rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
    avg=$(to_ms "$(awk '$1 == "Latency" {print $2; exit}' "$out")")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    p90=$(to_ms "$(awk '$1 == "90%" {print $2}' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    errors=$(awk '/Socket errors/ {e = $0} /Non-2xx/ {n = $NF} END {printf "%s / %s", (e == "" ? "0" : e), (n == "" ? "0" : n)}' "$out")
    echo "| $round | ${names[$i]} | $rps | $avg | $p50 | $p90 | $p99 | $errors |"
  done
done
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
