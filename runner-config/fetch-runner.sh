#!/usr/bin/env bash
# Copies the official APISIX Java Plugin Runner 0.4.0 from Maven Central into a folder (default:
# runner-config/lib). It is a Spring Boot jar: run it with `java -jar`, plugins go in -Dloader.path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here/lib}
mkdir -p "$dest"
mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact=org.apache.apisix:apisix-runner-starter:0.4.0:jar \
  -DoutputDirectory="$dest"
echo "$dest/apisix-runner-starter-0.4.0.jar"
