#!/usr/bin/env bash
# Long run (not part of the suite): memory bounded by construction under a flood of distinct valid
# tokens, ordinary ones this time (~1.2 KiB, as Authgear issues them), many more than the caches hold.
#
# Runs the suite's two flood tests with long parameters: TokenFloodIT (the adapter, started as the
# README says: -Xms256m -Xmx256m -XX:+UseParallelGC, plus -XX:+ExitOnOutOfMemoryError) and
# ApisixTokenFloodIT (the real APISIX runner, with the heap options of apisix-conf/config.yaml). Each
# asserts that every token is answered as its own user, that the process stays up, and that the heap
# after a full GC plateaus below 60% of the max heap; each prints a "[token flood]" line with the
# figures. The suite runs the same tests with 24,000 tokens carrying 6 KiB of extra claims each, which
# reach the same bound in a sixth of the time (minting, RS256 at ~1 ms a token, is what takes long).
#
# Knobs (environment): TOKENS (150000), PAD_BYTES (0), HEAP (256m, the adapter's -Xms/-Xmx),
# TESTS (TokenFloodIT,ApisixTokenFloodIT). 150,000 tokens take ~3 minutes a test on 2 idle cores.
set -euo pipefail

TOKENS=${TOKENS:-150000}
PAD_BYTES=${PAD_BYTES:-0}
HEAP=${HEAP:-256m}
TESTS=${TESTS:-TokenFloodIT,ApisixTokenFloodIT}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOG=$(mktemp -t authgate-token-flood.XXXXXX)

cd "$ROOT"
echo "[token-flood] $TOKENS tokens, $PAD_BYTES extra claim characters each, tests $TESTS; full log: $LOG" >&2
status=0
mvn -B verify -pl plugin/forward-auth,plugin/apisix -am -Dtest=NONE -Dit.test="$TESTS" \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dauthgate.flood.tokens="$TOKENS" -Dauthgate.flood.pad_bytes="$PAD_BYTES" -Dauthgate.flood.heap="$HEAP" \
    >"$LOG" 2>&1 || status=$?
grep -h '\[token flood\]' "$LOG" plugin/*/target/failsafe-reports/*-output.txt 2>/dev/null | sort -u || true
if [ "$status" -ne 0 ]; then
    grep -E 'Tests run:|FAIL|ERROR\]' "$LOG" | head -20 >&2
    echo "[token-flood] FAILED (exit $status); see $LOG" >&2
fi
exit "$status"
