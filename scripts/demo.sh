#!/usr/bin/env bash
# Sets up Quire (system packages, release build) and runs it on the bundled sample delivery.
# The sample holds one deliberately truncated TIFF, so the import exits 1 (some files quarantined);
# this script treats that expected outcome as success and fails on anything else.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || exit 1
swift build -c release --product quire 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Linking|Emitting|Applying)'
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "error: build failed" >&2; exit 1; }
quire=".build/release/quire"

workspace="${QUIRE_WORKSPACE:-$(mktemp -d)/quire-workspace}"
echo
echo "\$ quire import samples/delivery --workspace $workspace"
"$quire" import samples/delivery --workspace "$workspace"
status=$?
echo
"$quire" status --workspace "$workspace"
if [[ $status -ne 1 ]]; then
  echo "error: expected exit code 1 (the sample's broken page quarantined), got $status" >&2
  exit 1
fi
echo
echo "OK: the sample's broken page was quarantined (exit code 1, as documented); workspace: $workspace"
