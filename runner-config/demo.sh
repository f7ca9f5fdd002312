#!/usr/bin/env bash
# The plugin at work, locally, with no Authgear account: builds the plugin, fetches the real APISIX
# Java Plugin Runner 0.4.0, starts it with the plugin, starts a development issuer on loopback in
# place of Authgear, and sends requests the way APISIX does, printing what the upstream receives.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Dmaven.test.skip=true install
mvn -B -q -pl plugin/apisix dependency:copy@fetch-runner test-compile \
  org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.mainClass=io.authgate.apisix.it.ApisixDemo -Dexec.classpathScope=test \
  -Dauthgate.runner.jar="$PWD/plugin/apisix/target/runner/apisix-runner-starter-0.4.0.jar" \
  -Dauthgate.plugin.jar="$PWD/plugin/apisix/target/authgate-apisix-plugin-0.1.0.jar"
