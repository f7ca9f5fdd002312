#!/usr/bin/env bash
# Builds a real gateway for the forward-auth tests from its own Go module, pinned by gateways/NAME/go.mod:
#
#   gateways/build.sh traefik|caddy      prints the path of the binary
#
# The binary is kept by version outside the clone, in $AUTHGATE_GATEWAYS_CACHE (default
# /var/cache/authgate-gateways)/NAME-VERSION/NAME, so a second run on the same machine skips the
# build. The tests find it at the same place (GatewayBinaries.java). Nothing built here is shipped.
set -euo pipefail

name="${1:?usage: gateways/build.sh traefik|caddy}"
here="$(cd "$(dirname "$0")" && pwd)"
case "$name" in
  traefik) module=github.com/traefik/traefik/v3; package=github.com/traefik/traefik/v3/cmd/traefik ;;
  caddy) module=github.com/caddyserver/caddy/v2; package=github.com/caddyserver/caddy/v2/cmd/caddy ;;
  *) echo "gateways/build.sh: unknown gateway '$name' (traefik or caddy)" >&2; exit 2 ;;
esac

cd "$here/$name"
# The version the go.mod requires: the one and only pin.
version="$(go list -mod=readonly -m -f '{{.Version}}' "$module")"
if [ -z "$version" ]; then
  echo "gateways/build.sh: $here/$name/go.mod does not require $module" >&2
  exit 2
fi
cache="${AUTHGATE_GATEWAYS_CACHE:-/var/cache/authgate-gateways}/$name-$version"
binary="$cache/$name"
if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi

mkdir -p "$cache"
started=$(date +%s)
echo "gateways/build.sh: building $name $version into $cache (once per machine)" >&2
# -trimpath: no build paths in the binary; -mod=readonly: go.mod and go.sum as committed, or fail.
# GOFLAGS from the caller are kept (e.g. -p 1 on a busy machine).
GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath -mod=readonly" nice go build -o "$binary.partial" "$package"
mv "$binary.partial" "$binary"
echo "gateways/build.sh: built $name $version in $(( $(date +%s) - started )) s" >&2
go version -m "$binary" | sed -n 2,3p >&2
echo "$binary"
