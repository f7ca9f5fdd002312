#!/usr/bin/env bash
# Benchmark (not a test): what authgate's forward-auth adapter costs behind nginx auth_request.
#
# One run starts three nginx instances with the same shape, each on its own loopback port:
#   (a) auth_request -> authgate's GET /_resolver/resolve (a valid, cached token on every request),
#       with the decision cache exactly as nginx-conf/authgate.conf ships it (its proxy_cache_path,
#       proxy_cache and proxy_cache_key lines, read from that file; the cache in a tmpfs, /dev/shm
#       here): nginx reuses authgate's answers as long as their Cache-Control says (5 s by default)
#   (b) auth_request -> a trivial always-200 auth server (an nginx `return 200` block that sends
#       the same eight x-authgear-* headers), i.e. the cheapest auth server there can be; no cache
#   (c) Authgear's documented recipe in front of authgate: proxy_cache_key
#       "$cookie_session|$http_authorization", proxy_cache_valid 200 10m, the cache on disk (in the
#       run's temp dir), and proxy_ignore_headers Cache-Control: Authgear's resolver sends no
#       Cache-Control (authgear-server pkg/resolver/routes.go and handler/resolve.go), so behind
#       Authgear the 10 minutes apply; authgate's max-age would otherwise shorten them
# All copy the eight headers with auth_request_set + proxy_set_header and proxy to the same kind of
# backend (an nginx `return 200` block). wrk drives each; the figures of merit are the ratios of
# throughputs shipped/seed (target >= 1.0: the correct cache is as fast as the stale one) and
# authgate/trivial (target >= 0.9; with SHIPPED_CACHE=0, (a) runs without the cache, the figure
# earlier README tables give).
#
# Needs java 17 and maven (to build the adapter jar if it is missing); installs nginx, wrk, curl
# from Debian when absent. Everything it starts it stops (trap). Loopback only.
#
# The runs alternate, (a) (b) (c) (a) (b) (c) ... ROUNDS times, so background load hits all alike; the
# figures are the means over the rounds. nginx runs one worker per core (auto), so the trivial auth
# server, which lives in the nginx workers, has the same cores to use as authgate.
#
# Knobs (environment): THREADS (2), CONNECTIONS (32), DURATION (15s), WARMUP (8s), ROUNDS (2),
# NGINX_WORKERS (auto), TARGET (0.9, authgate/trivial), TARGET_SEED (1.0, shipped/seed), SHIPPED_CACHE
# (1; 0 runs (a) without the decision cache), KEEP (1 keeps the temp dir), AUTHGATE_JAVA_OPTS,
# BASELINE_JAR (another adapter jar, run as (d) in (a)'s shape; prints authgate/baseline),
# EVENT_LOOP_THREADS (the adapter's event_loop_threads; default: its own, one per core).
set -euo pipefail

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-8s}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
ROUNDS=${ROUNDS:-2}
TARGET=${TARGET:-0.9}
TARGET_SEED=${TARGET_SEED:-1.0}
SHIPPED_CACHE=${SHIPPED_CACHE:-1}
# The adapter's JVM, as the README recommends running it: a small fixed heap and the parallel
# collector (short-lived garbage only, no concurrent GC threads competing with the gateway).
AUTHGATE_JAVA_OPTS=${AUTHGATE_JAVA_OPTS:-"-Xms256m -Xmx256m -XX:+UseParallelGC"}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] FAILED: %s\n' "$*" >&2; exit 1; }

# --- tools ---------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing from Debian: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "${missing[@]}" >/dev/null; } \
    || die "cannot install ${missing[*]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v java >/dev/null || die "java (17+) is needed"

# --- the adapter jar -----------------------------------------------------------------------------
JAR=$(ls "$ROOT"/plugin/forward-auth/target/authgate-forward-auth-*.jar 2>/dev/null | grep -v original- | head -n1 || true)
if [ -z "$JAR" ]; then
  log "building the adapter jar"
  (cd "$ROOT" && mvn -B -q install -Dmaven.test.skip=true -pl plugin/forward-auth -am) || die "maven build failed"
  JAR=$(ls "$ROOT"/plugin/forward-auth/target/authgate-forward-auth-*.jar | grep -v original- | head -n1)
fi

# --- clean-up of everything started here ---------------------------------------------------------
WORK=$(mktemp -d /tmp/authgate-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers (nobody) must reach their temp dirs
# The shipped decision cache lives in memory; /dev/shm is the tmpfs every Linux has.
SHM=$(mktemp -d /dev/shm/authgate-bench.XXXXXX)
chmod 755 "$SHM"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK and $SHM"; else rm -rf "$WORK" "$SHM"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sets PORT to a free loopback port not handed out before. Not called as $(free_port): a subshell
# would forget TAKEN, and two ports could come out the same.
TAKEN=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    case "$TAKEN" in *" $p "*) continue ;; esac
    if ! ss -Hltn "sport = :$p" | grep -q .; then TAKEN="$TAKEN$p "; PORT=$p; return 0; fi
  done
  die "no free port"
}

wait_http() { # url expected-status seconds
  local code
  for _ in $(seq 1 $(($3 * 10))); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    [ "$code" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

# --- the issuer (discovery + JWKS on loopback) and a valid token ----------------------------------
log "starting the issuer"
java -Xmx64m -XX:+ExitOnOutOfMemoryError -cp "$JAR" "$BENCH/BenchIssuer.java" >"$WORK/issuer.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q '^TOKEN ' "$WORK/issuer.out" 2>/dev/null && break; sleep 0.1; done
ISSUER=$(sed -n 's/^ISSUER //p' "$WORK/issuer.out")
TOKEN=$(sed -n 's/^TOKEN //p' "$WORK/issuer.out")
[ -n "$TOKEN" ] || die "the issuer printed no token: $(cat "$WORK/issuer.out")"

# --- authgate ------------------------------------------------------------------------------------
cat >"$WORK/authgate.yaml" <<EOF
authgear_endpoint: $ISSUER
listen: 127.0.0.1:0
admin_listen: 127.0.0.1:0
EOF
if [ -n "${EVENT_LOOP_THREADS:-}" ]; then echo "event_loop_threads: $EVENT_LOOP_THREADS" >>"$WORK/authgate.yaml"; fi
start_adapter() { # name jar -> sets AUTH_PORT and ADMIN_PORT
  local log="$WORK/$1.log" direct
  log "starting $1 ($2)"
  # shellcheck disable=SC2086
  java -XX:+ExitOnOutOfMemoryError $AUTHGATE_JAVA_OPTS -jar "$2" --config "$WORK/authgate.yaml" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do grep -q 'listening: decisions' "$log" 2>/dev/null && break; sleep 0.1; done
  AUTH_PORT=$(grep -o 'decisions http://127.0.0.1:[0-9]*' "$log" | sed 's/.*://')
  ADMIN_PORT=$(grep -o 'admin http://127.0.0.1:[0-9]*' "$log" | sed 's/.*://')
  [ -n "$AUTH_PORT" ] || die "$1 did not start: $(cat "$log")"
  wait_http "http://127.0.0.1:$ADMIN_PORT/readyz" 200 20 || die "$1 not ready (keys): $(cat "$log")"
  direct=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$AUTH_PORT/_resolver/resolve" | tr -d '\r')
  echo "$direct" | grep -qi '^x-authgear-user-id: ' || die "$1 did not accept the token:\n$direct"
}
# (d), optional: another build of the adapter (BASELINE_JAR, e.g. one built from an older commit) in
# exactly (a)'s shape, in the same run, for a before/after ratio of a change on the hot path.
if [ -n "${BASELINE_JAR:-}" ]; then
  [ -f "$BASELINE_JAR" ] || die "BASELINE_JAR $BASELINE_JAR: no such file"
  start_adapter baseline "$BASELINE_JAR"; D_AUTH_PORT=$AUTH_PORT
fi
start_adapter authgate "$JAR"

# --- nginx (a), (b) and (c) -----------------------------------------------------------------------
HEADERS=(session-valid user-id user-anonymous user-verified user-can-reauthenticate user-roles session-amr session-authenticated-at)

# The shipped decision cache: its lines from nginx-conf/authgate.conf, the directory moved to $SHM.
SHIPPED_CONF="$ROOT/nginx-conf/authgate.conf"
SHIPPED_CACHE_PATH=$(grep -E '^proxy_cache_path ' "$SHIPPED_CONF") || die "no proxy_cache_path in $SHIPPED_CONF"
SHIPPED_CACHE_PATH=$(printf '%s' "$SHIPPED_CACHE_PATH" | sed -E "s|^proxy_cache_path [^ ]+ |proxy_cache_path $SHM/cache |")
SHIPPED_CACHE_LINES=$(grep -E '^ +(proxy_cache(_key)?|open_file_cache(_valid)?) ' "$SHIPPED_CONF" | sed -E 's/^ +//') || die "no proxy_cache lines in $SHIPPED_CONF"
[ "$(printf '%s\n' "$SHIPPED_CACHE_LINES" | wc -l)" = 4 ] || die "expected proxy_cache, proxy_cache_key, open_file_cache and open_file_cache_valid in $SHIPPED_CONF"
# The seed recipe, as Authgear documents it (on disk, keyed by the IdP cookie and the Authorization).
SEED_CACHE_PATH="proxy_cache_path $WORK/seed-cache levels=1:2 keys_zone=auth_cache:10m;"
SEED_CACHE_LINES='proxy_cache auth_cache;
proxy_cache_key "$cookie_session|$http_authorization";
proxy_cache_valid 200 10m;
proxy_ignore_headers Cache-Control;'

render_nginx() { # name front-port backend-port auth-upstream cache(shipped|seed|none) [trivial-auth-port]
  local name=$1 port=$2 backend=$3 auth=$4 cache=$5 trivial=${6:-} dir="$WORK/$1" h var line
  mkdir -p "$dir"
  {
    echo "worker_processes $NGINX_WORKERS;"
    echo "daemon off;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off;"
    echo "  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;"
    echo "  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;"
    case "$cache" in
      shipped) echo "  $SHIPPED_CACHE_PATH" ;;
      seed) echo "  $SEED_CACHE_PATH" ;;
    esac
    echo "  upstream auth { server $auth; keepalive 64; }"
    echo "  upstream backend { server 127.0.0.1:$backend; keepalive 64; }"
    echo "  server {"
    echo "    listen 127.0.0.1:$port;"
    echo "    location / {"
    echo "      auth_request /_authgate;"
    for h in "${HEADERS[@]}"; do
      var=ag_${h//-/_}
      echo "      auth_request_set \$$var \$upstream_http_x_authgear_${h//-/_};"
      echo "      proxy_set_header X-Authgear-$h \$$var;"
    done
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    echo "      proxy_pass http://backend;"
    echo "    }"
    echo "    location = /_authgate {"
    echo "      internal;"
    echo "      proxy_pass http://auth/_resolver/resolve;"
    echo "      proxy_pass_request_body off;"
    echo "      proxy_set_header Content-Length \"\";"
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    case "$cache" in
      shipped) while IFS= read -r line; do echo "      $line"; done <<<"$SHIPPED_CACHE_LINES"
        # The shipped key reads what the shipped subrequest sends; the same headers here.
        echo "      proxy_set_header X-Forwarded-Method \$request_method;"
        echo "      proxy_set_header X-Forwarded-Uri \$request_uri;"
        echo "      proxy_set_header X-Forwarded-Host \$host;"
        echo "      proxy_set_header X-Forwarded-Proto \$scheme;" ;;
      seed) while IFS= read -r line; do echo "      $line"; done <<<"$SEED_CACHE_LINES" ;;
    esac
    echo "    }"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$backend;"
    echo "    location / { return 200 \"\$http_x_authgear_user_id\\n\"; }"
    echo "  }"
    if [ -n "$trivial" ]; then
      # The trivial auth server: always 200 with the same eight headers authgate sends.
      echo "  server {"
      echo "    listen 127.0.0.1:$trivial;"
      echo "    location = /_resolver/resolve {"
      echo "      add_header x-authgear-session-valid true always;"
      echo "      add_header x-authgear-user-id 0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35 always;"
      echo "      add_header x-authgear-user-anonymous false always;"
      echo "      add_header x-authgear-user-verified true always;"
      echo "      add_header x-authgear-user-can-reauthenticate true always;"
      echo "      add_header x-authgear-user-roles admin,editor always;"
      echo "      add_header x-authgear-session-amr \"pwd mfa\" always;"
      echo "      add_header x-authgear-session-authenticated-at 1795833325 always;"
      echo "      return 200;"
      echo "    }"
      echo "  }"
    fi
    echo "}"
  } >"$dir/nginx.conf"
  "$NGINX" -t -q -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" || die "nginx config $name invalid: $(cat "$dir/error.log")"
  "$NGINX" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" &
  PIDS+=($!)
}

free_port; A_PORT=$PORT; free_port; A_BACKEND=$PORT
free_port; B_PORT=$PORT; free_port; B_BACKEND=$PORT; free_port; B_AUTH=$PORT
free_port; C_PORT=$PORT; free_port; C_BACKEND=$PORT
A_CACHE=shipped; [ "$SHIPPED_CACHE" = 1 ] || A_CACHE=none
render_nginx authgate "$A_PORT" "$A_BACKEND" "127.0.0.1:$AUTH_PORT" "$A_CACHE"
render_nginx trivial "$B_PORT" "$B_BACKEND" "127.0.0.1:$B_AUTH" none "$B_AUTH"
render_nginx seed "$C_PORT" "$C_BACKEND" "127.0.0.1:$AUTH_PORT" seed
if [ -n "${BASELINE_JAR:-}" ]; then
  free_port; D_PORT=$PORT; free_port; D_BACKEND=$PORT
  render_nginx baseline "$D_PORT" "$D_BACKEND" "127.0.0.1:$D_AUTH_PORT" "$A_CACHE"
  wait_http "http://127.0.0.1:$D_PORT/" 200 10 || die "nginx (d) did not come up: $(cat "$WORK/baseline/error.log")"
fi
wait_http "http://127.0.0.1:$A_PORT/" 200 10 || die "nginx (a) did not come up: $(cat "$WORK/authgate/error.log")"
wait_http "http://127.0.0.1:$B_PORT/" 200 10 || die "nginx (b) did not come up: $(cat "$WORK/trivial/error.log")"
wait_http "http://127.0.0.1:$C_PORT/" 200 10 || die "nginx (c) did not come up: $(cat "$WORK/seed/error.log")"

# End to end, before measuring: the backend sees the user id that the auth server answered.
seen_a=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$A_PORT/api/orders")
seen_b=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$B_PORT/api/orders")
seen_c=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$C_PORT/api/orders")
[ "$seen_a" = "0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35" ] || die "(a) backend saw user id '$seen_a'"
[ "$seen_b" = "0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35" ] || die "(b) backend saw user id '$seen_b'"
[ "$seen_c" = "0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35" ] || die "(c) backend saw user id '$seen_c'"
if [ -n "${BASELINE_JAR:-}" ]; then
  seen_d=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$D_PORT/api/orders")
  [ "$seen_d" = "0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35" ] || die "(d) backend saw user id '$seen_d'"
fi
log "end to end: all three backends see x-authgear-user-id $seen_a"

# --- measure -------------------------------------------------------------------------------------
cat >"$WORK/auth.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $TOKEN"
EOF

run_wrk() { # label port duration -> writes $WORK/wrk-<label>.txt
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -s "$WORK/auth.lua" "http://127.0.0.1:$2/api/orders" >"$WORK/wrk-$1.txt" 2>&1 \
    || die "wrk failed: $(cat "$WORK/wrk-$1.txt")"
  if grep -q -E 'Non-2xx|Socket errors' "$WORK/wrk-$1.txt"; then
    die "errors during $1: $(cat "$WORK/wrk-$1.txt")"
  fi
}
rps_of() { awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-$1.txt"; }
p99_ms_of() {
  awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 0; printf "%.3f", v * f }' "$WORK/wrk-$1.txt"
}
sessions() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '/^authgate_decisions_total\{outcome="session"\}/ {print $2}'; }

log "warming up each for $WARMUP (JIT, connection pools)"
run_wrk warm-authgate "$A_PORT" "$WARMUP"
run_wrk warm-trivial "$B_PORT" "$WARMUP"
run_wrk warm-seed "$C_PORT" "$WARMUP"
if [ -n "${BASELINE_JAR:-}" ]; then run_wrk warm-baseline "$D_PORT" "$WARMUP"; fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COMMAND="wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s auth.lua http://127.0.0.1:PORT/api/orders"
log "measuring, $ROUNDS rounds of (a) (b) (c): $COMMAND"
A_RPS=(); B_RPS=(); C_RPS=(); D_RPS=(); D_P99=(); A_P99=(); B_P99=(); C_P99=(); A_REQ=0; A_SESSIONS=0; C_REQ=0; C_SESSIONS=0
requests_of() { awk '/requests in/ {print $1}' "$WORK/wrk-$1.txt"; }
for round in $(seq 1 "$ROUNDS"); do
  before=$(sessions)
  run_wrk "authgate-$round" "$A_PORT" "$DURATION"
  after=$(sessions)
  A_SESSIONS=$((A_SESSIONS + ${after%.*} - ${before%.*}))
  run_wrk "trivial-$round" "$B_PORT" "$DURATION"
  before=$(sessions)
  run_wrk "seed-$round" "$C_PORT" "$DURATION"
  after=$(sessions)
  C_SESSIONS=$((C_SESSIONS + ${after%.*} - ${before%.*}))
  if [ -n "${BASELINE_JAR:-}" ]; then
    run_wrk "baseline-$round" "$D_PORT" "$DURATION"
    D_RPS+=("$(rps_of "baseline-$round")"); D_P99+=("$(p99_ms_of "baseline-$round")")
    log "round $round: (d) ${D_RPS[-1]} req/s p99 ${D_P99[-1]} ms"
  fi
  A_RPS+=("$(rps_of "authgate-$round")"); B_RPS+=("$(rps_of "trivial-$round")"); C_RPS+=("$(rps_of "seed-$round")")
  A_P99+=("$(p99_ms_of "authgate-$round")"); B_P99+=("$(p99_ms_of "trivial-$round")"); C_P99+=("$(p99_ms_of "seed-$round")")
  A_REQ=$((A_REQ + $(requests_of "authgate-$round"))); C_REQ=$((C_REQ + $(requests_of "seed-$round")))
  log "round $round: (a) ${A_RPS[-1]} req/s p99 ${A_P99[-1]} ms, (b) ${B_RPS[-1]} req/s p99 ${B_P99[-1]} ms, (c) ${C_RPS[-1]} req/s p99 ${C_P99[-1]} ms"
done
mean() { printf '%s\n' "$@" | awk '{ s += $1; n++ } END { printf "%.2f", s / n }'; }
A_MEAN=$(mean "${A_RPS[@]}"); B_MEAN=$(mean "${B_RPS[@]}"); C_MEAN=$(mean "${C_RPS[@]}")
A_P99_MEAN=$(mean "${A_P99[@]}"); B_P99_MEAN=$(mean "${B_P99[@]}"); C_P99_MEAN=$(mean "${C_P99[@]}")
RATIO=$(awk -v a="$A_MEAN" -v b="$B_MEAN" 'BEGIN { printf "%.3f", a / b }')
VERDICT=$(awk -v r="$RATIO" -v t="$TARGET" 'BEGIN { print (r >= t) ? "PASS" : "MISS" }')
RATIO_SEED=$(awk -v a="$A_MEAN" -v c="$C_MEAN" 'BEGIN { printf "%.3f", a / c }')
VERDICT_SEED=$(awk -v r="$RATIO_SEED" -v t="$TARGET_SEED" 'BEGIN { print (r >= t) ? "PASS" : "MISS" }')
WORKERS=$(grep -c 'nginx: worker process' <(ps -o args= --ppid "$(cat "$WORK/authgate/nginx.pid")") || true)

echo
echo "forward-auth benchmark: nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'), $(nproc) cores, nginx workers per instance: $WORKERS, authgate event loops: ${EVENT_LOOP_THREADS:-$(nproc) (default)}"
echo "command: $COMMAND"
echo "         (warm-up $WARMUP each first; $ROUNDS alternating rounds; means below; load before: $LOAD_BEFORE)"
printf '%-44s %12s %12s\n' "" "req/s" "p99 (ms)"
printf '%-44s %12s %12s\n' "(a) auth_request -> authgate, cache: $A_CACHE" "$A_MEAN" "$A_P99_MEAN"
printf '%-44s %12s %12s\n' "(b) auth_request -> trivial 200" "$B_MEAN" "$B_P99_MEAN"
printf '%-44s %12s %12s\n' "(c) seed recipe (10 min cache) -> authgate" "$C_MEAN" "$C_P99_MEAN"
echo "authgate decisions with a session during (a): $A_SESSIONS for $A_REQ requests; during (c): $C_SESSIONS for $C_REQ"
echo "ratio authgate/trivial: $RATIO (target >= $TARGET): $VERDICT"
echo "ratio shipped/seed: $RATIO_SEED (target >= $TARGET_SEED): $VERDICT_SEED"
if [ -n "${BASELINE_JAR:-}" ]; then
  D_MEAN=$(mean "${D_RPS[@]}"); D_P99_MEAN=$(mean "${D_P99[@]}")
  printf '%-44s %12s %12s\n' "(d) baseline $(basename "$BASELINE_JAR"), cache: $A_CACHE" "$D_MEAN" "$D_P99_MEAN"
  echo "ratio authgate/baseline: $(awk -v a="$A_MEAN" -v d="$D_MEAN" 'BEGIN { printf "%.3f", a / d }') (per round: $(for i in "${!A_RPS[@]}"; do awk -v a="${A_RPS[$i]}" -v d="${D_RPS[$i]}" 'BEGIN { printf "%.3f ", a / d }'; done))"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
