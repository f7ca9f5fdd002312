#!/usr/bin/env bash
# Benchmark (not a test): what deleting every spelling of the identity headers costs APISIX's Lua.
#
# When a request reaches the runner with 100 header entries, APISIX may have hidden later lines
# from it (ngx.req.get_headers() stops at 100), so the AuthgearResolver filter answers with a
# deletion for every `-`/`_` spelling of the nine contract names (88 names). APISIX applies each
# deletion of the Rewrite with core.request.set_header(ctx, name, nil). This measures that work in
# a real nginx with Debian's lua-nginx-module, per request, in the shape APISIX's modify_header
# (apisix/core/request.lua) does it: ngx.req.set_header(name, nil), which scans every header line
# (lua-nginx-module ngx_http_lua_headers_in.c, ngx_http_set_header_helper), then
# ctx.var["http_" .. lower(name)] = nil and the header cache update under the lower-cased name.
# Not modelled: apisix-nginx-module's two FFI calls per set_header (is_request_header_set,
# clear_request_header), and decoding each entry of the Rewrite with APISIX's pure-Lua flatbuffers.
#
# Two measurements, with the request headers a browser-like client sends (REQUEST_HEADERS lines):
#   1. a tight loop inside one request: ITERATIONS times the per-request work, timed with
#      ngx.update_time(); ngx.now(); printed in microseconds per request for
#        (set8)      the eight identity headers set, as on every allowed request
#        (set8+88)   the same plus the 88 deletions (what a request at the 100-line limit costs)
#        (belt+set8) apisix-conf/route.json's serverless-pre-function (the belt-and-braces clear of
#                    the family), then the eight set, on a request without family headers
#   2. wrk against three locations doing the same per request, alternating ROUNDS times.
#
# Needs nginx, libnginx-mod-http-lua, wrk, curl, python3, iproute2 (Debian packages; it says which are missing). Loopback only;
# everything it starts it stops. Knobs: ITERATIONS (20000), DURATION (5s), ROUNDS (2),
# CONNECTIONS (16), THREADS (1), REQUEST_HEADERS (12), KEEP (1 keeps the temp dir).
set -euo pipefail

ITERATIONS=${ITERATIONS:-20000}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
REQUEST_HEADERS=${REQUEST_HEADERS:-12}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] FAILED: %s\n' "$*" >&2; exit 1; }

LUA_MODULE=/usr/lib/nginx/modules/ngx_http_lua_module.so
NDK_MODULE=/usr/lib/nginx/modules/ndk_http_module.so
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ -e "$LUA_MODULE" ] || need+=(libnginx-mod-http-lua)
for tool in wrk curl python3; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
command -v ss >/dev/null 2>&1 || need+=(iproute2)
[ ${#need[@]} -eq 0 ] || die "install these Debian packages first: apt-get install ${need[*]}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ROOT=$(cd "$(dirname "$0")/.." && pwd)

WORK=$(mktemp -d /tmp/authgate-lua-bench.XXXXXX)
chmod 755 "$WORK"
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then
    kill "$NGINX_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$NGINX_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=""
for _ in $(seq 1 200); do
  p=$((20000 + RANDOM % 40000))
  if ! ss -Hltn "sport = :$p" | grep -q .; then PORT=$p; break; fi
done
[ -n "$PORT" ] || die "no free port"

cat >"$WORK/work.lua" <<'EOF'
-- The per-request work APISIX does for a Rewrite's headers, in modify_header's shape.
local lower = string.lower
local set_header = ngx.req.set_header

local CONTRACT = {
  "x-authgear-session-valid", "x-authgear-user-id", "x-authgear-user-anonymous",
  "x-authgear-user-verified", "x-authgear-user-can-reauthenticate", "x-authgear-user-roles",
  "x-authgear-session-amr", "x-authgear-session-authenticated-at", "x-authgear-session-acr",
}
local IDENTITY = {
  {"x-authgear-session-valid", "true"}, {"x-authgear-user-id", "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11"},
  {"x-authgear-user-anonymous", "false"}, {"x-authgear-user-verified", "true"},
  {"x-authgear-user-can-reauthenticate", "true"}, {"x-authgear-user-roles", "admin,editor"},
  {"x-authgear-session-amr", "pwd mfa otp"}, {"x-authgear-session-authenticated-at", "1136171045"},
}

-- every spelling of a name with each '-' read as '-' or '_'
local function spellings(name)
  local out = {""}
  for i = 1, #name do
    local c = name:sub(i, i)
    local next_out = {}
    for _, prefix in ipairs(out) do
      next_out[#next_out + 1] = prefix .. c
      if c == "-" then next_out[#next_out + 1] = prefix .. "_" end
    end
    out = next_out
  end
  return out
end

local ALL = {}
for _, name in ipairs(CONTRACT) do
  for _, s in ipairs(spellings(name)) do ALL[#ALL + 1] = s end
end

local function apisix_set_header(ctx, name, value)
  if type(name) ~= "string" then error("invalid header name") end
  set_header(name, value)
  ctx.var["http_" .. lower(name)] = nil
  ctx.headers[lower(name)] = value
end

local _M = {names = #ALL}

function _M.set8(ctx)
  for i = 1, #IDENTITY do apisix_set_header(ctx, IDENTITY[i][1], IDENTITY[i][2]) end
end

function _M.set8_and_clear88(ctx)
  for i = 1, #ALL do apisix_set_header(ctx, ALL[i], nil) end
  _M.set8(ctx)
end

-- undoes set8 so every iteration of the tight loop starts from the client's request
function _M.reset()
  for i = 1, #IDENTITY do ngx.req.clear_header(IDENTITY[i][1]) end
end

-- the shipped serverless-pre-function, loaded as APISIX's serverless/init.lua loads it
function _M.load_shipped(path)
  local file = assert(io.open(path))
  local ok, f = pcall(loadstring(file:read("*a")))
  file:close()
  assert(ok and type(f) == "function", "the shipped string must return a function")
  _M.shipped = f
end

function _M.belt_and_set8(ctx)
  _M.shipped({phase = "rewrite"}, ctx)
  _M.set8(ctx)
end

function _M.new_ctx()
  return {var = {}, headers = {}}
end

return _M
EOF

python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["plugins"]["serverless-pre-function"]["functions"][0])' \
  "$ROOT/apisix-conf/route.json" >"$WORK/shipped.lua" || die "no serverless-pre-function in apisix-conf/route.json"

cat >"$WORK/nginx.conf" <<EOF
load_module $NDK_MODULE;
load_module $LUA_MODULE;
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  lua_package_path "$WORK/?.lua;;";
  init_by_lua_block { work = require("work"); work.load_shipped("$WORK/shipped.lua") }
  server {
    listen 127.0.0.1:$PORT;
    location = /names { content_by_lua_block { ngx.say(work.names) } }
    location = /loop {
      content_by_lua_block {
        local n = tonumber(ngx.var.arg_n)
        local function time(f)
          ngx.update_time()
          local started = ngx.now()
          for _ = 1, n do
            f(work.new_ctx())
            work.reset()
          end
          ngx.update_time()
          return (ngx.now() - started) * 1e6 / n
        end
        -- warm-up: let LuaJIT compile every path
        time(work.set8_and_clear88); time(work.belt_and_set8); time(work.set8)
        ngx.say(string.format("%.3f %.3f %.3f", time(work.set8), time(work.set8_and_clear88),
                              time(work.belt_and_set8)))
      }
    }
    location = /set8 { content_by_lua_block { work.set8(work.new_ctx()); ngx.exit(204) } }
    location = /set8-clear88 { content_by_lua_block { work.set8_and_clear88(work.new_ctx()); ngx.exit(204) } }
    location = /belt-set8 { content_by_lua_block { work.belt_and_set8(work.new_ctx()); ngx.exit(204) } }
  }
}
EOF

"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" >"$WORK/nginx.out" 2>&1 &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/names" && break; sleep 0.1; done
NAMES=$(curl -sf "http://127.0.0.1:$PORT/names") || die "nginx did not start: $(cat "$WORK/nginx.out" "$WORK/error.log" 2>/dev/null)"
[ "$NAMES" = 88 ] || die "expected 88 spellings, got $NAMES"

HEADER_ARGS=(-H "User-Agent: Mozilla/5.0 (X11; Linux x86_64) bench" -H "Accept: application/json"
  -H "Accept-Language: en-GB,en;q=0.9" -H "Accept-Encoding: gzip, deflate, br"
  -H "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln" -H "Cookie: theme=dark")
# Host, plus one line per -H
while [ $((${#HEADER_ARGS[@]} / 2 + 1)) -lt "$REQUEST_HEADERS" ]; do HEADER_ARGS+=(-H "X-Extra-${#HEADER_ARGS[@]}: v"); done

log "tight loop: $ITERATIONS requests' worth of each, inside one request ($REQUEST_HEADERS header lines)"
read -r SET8 ALL88 BELT < <(curl -sf "${HEADER_ARGS[@]}" "http://127.0.0.1:$PORT/loop?n=$ITERATIONS")
printf '%-34s %10s\n' "tight loop" "us/request"
printf '%-34s %10s\n' "(set8)      8 identity headers set" "$SET8"
printf '%-34s %10s\n' "(set8+88)   plus 88 deletions" "$ALL88"
printf '%-34s %10s\n' "(belt+set8) shipped clear first" "$BELT"
awk -v a="$SET8" -v b="$ALL88" -v c="$BELT" 'BEGIN {
  printf "the 88 deletions cost %.2f us per request, the shipped clear %.2f us\n", b - a, c - a }'

wrk_rps() { # path
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${HEADER_ARGS[@]}" "http://127.0.0.1:$PORT$1" \
    | awk '/^Requests\/sec/ { print $2 }'
}
log "wrk: $ROUNDS rounds of $DURATION each, $CONNECTIONS connections, one nginx worker"
wrk_rps /set8 >/dev/null # warm-up
SUM_A=0; SUM_B=0; SUM_C=0
for r in $(seq 1 "$ROUNDS"); do
  A=$(wrk_rps /set8); B=$(wrk_rps /set8-clear88); C=$(wrk_rps /belt-set8)
  log "round $r: set8 $A req/s, set8+88 $B req/s, belt+set8 $C req/s"
  SUM_A=$(awk -v s="$SUM_A" -v x="$A" 'BEGIN { print s + x }')
  SUM_B=$(awk -v s="$SUM_B" -v x="$B" 'BEGIN { print s + x }')
  SUM_C=$(awk -v s="$SUM_C" -v x="$C" 'BEGIN { print s + x }')
done
awk -v a="$SUM_A" -v b="$SUM_B" -v c="$SUM_C" -v n="$ROUNDS" 'BEGIN {
  a /= n; b /= n; c /= n
  printf "%-34s %10s %12s\n", "wrk (one nginx worker)", "req/s", "us/request"
  printf "%-34s %10.0f %12.2f\n", "(set8)", a, 1e6 / a
  printf "%-34s %10.0f %12.2f\n", "(set8+88)", b, 1e6 / b
  printf "%-34s %10.0f %12.2f\n", "(belt+set8)", c, 1e6 / c
  printf "the 88 deletions cost %.2f us per request (ratio %.3f), the shipped clear %.2f us (ratio %.3f)\n",
    1e6 / b - 1e6 / a, b / a, 1e6 / c - 1e6 / a, c / a
}'
