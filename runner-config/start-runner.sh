#!/usr/bin/env bash
# Starts the APISIX Java Plugin Runner with the authgate plugin, for local development: point APISIX
# at it with `ext-plugin.path_for_test: /tmp/runner.sock` in config.yaml. In production APISIX
# starts the runner itself from `ext-plugin.cmd` (see apisix-conf/config.yaml).
#
#   runner-config/start-runner.sh [socket path]      (default /tmp/runner.sock)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
socket=${1:-/tmp/runner.sock}

plugin=$(ls "$repo"/plugin/apisix/target/authgate-apisix-plugin-*.jar 2>/dev/null | grep -v original- | head -n 1 || true)
if [ -z "$plugin" ]; then
  (cd "$repo" && mvn -B -q -Dmaven.test.skip=true -pl plugin/apisix -am package)
  plugin=$(ls "$repo"/plugin/apisix/target/authgate-apisix-plugin-*.jar | grep -v original- | head -n 1)
fi
runner="$here/lib/apisix-runner-starter-0.4.0.jar"
[ -f "$runner" ] || "$here/fetch-runner.sh" "$here/lib" >/dev/null

plugins="$here/lib/plugins"
mkdir -p "$plugins"
rm -f "$plugins"/authgate-apisix-plugin-*.jar
cp "$plugin" "$plugins/"

echo "runner: $runner"
echo "plugin: $plugins/$(basename "$plugin")"
echo "socket: $socket"
# Both variables are mandatory; APISIX sets them itself when it spawns the runner.
export APISIX_LISTEN_ADDRESS="unix:$socket"
export APISIX_CONF_EXPIRE_TIME=${APISIX_CONF_EXPIRE_TIME:-3600}
# -XX:+ExitOnOutOfMemoryError: out of heap, the runner exits (and APISIX restarts it) rather than
# living on with threads that died of it.
exec java -XX:+ExitOnOutOfMemoryError -Dloader.path="$plugins" -Dlogging.config="$here/log4j2.xml" -jar "$runner"
