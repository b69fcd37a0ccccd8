#!/usr/bin/env bash
# Sets up Quire (system packages, release build) and runs the pipeline's stages on the bundled samples.
# The sample delivery holds one deliberately truncated TIFF and its catalog one record with no images, so
# import and bind exit 1 (some items failed), as documented; this script checks for exactly those
# outcomes and fails on anything else.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || exit 1
swift build -c release --product quire 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Linking|Emitting|Applying)'
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "error: build failed" >&2; exit 1; }
quire="$PWD/.build/release/quire"
workspace="${QUIRE_WORKSPACE:-$(mktemp -d)/quire-workspace}"
failed=0

step() { # expected-exit-code command...
  local expected=$1; shift
  echo; echo "\$ quire $*"
  "$quire" "$@" --workspace "$workspace"
  local status=$?
  if [[ $status -ne $expected ]]; then echo "error: expected exit code $expected, got $status" >&2; failed=1; fi
}

step 1 import samples/delivery --quiet
step 0 normalize --process samples/process.yaml --quiet
step 0 checksum --quiet
step 1 bind --catalog samples/catalog.csv --process samples/process.yaml
step 0 status
[[ $failed -eq 0 ]] || exit 1
echo
echo "OK: the broken page was quarantined and the two planted catalog mismatches held (exit codes as documented)."
echo "Workspace: $workspace"
