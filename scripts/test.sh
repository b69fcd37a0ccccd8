#!/usr/bin/env bash
# Installs what the tests need and runs the whole test suite.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test || exit 1
# The test peers' virtual environment, when install-deps.sh had to make one.
[[ -x .build-peers/venv/bin/python3 ]] && export PATH="$PWD/.build-peers/venv/bin:$PATH"

# Build first (quietly: only diagnostics), so a compile error stops here with its message.
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Linking|Emitting|Applying)'
build=${PIPESTATUS[0]}
[[ $build -eq 0 ]] || { echo "error: build failed ($build)" >&2; exit "$build"; }

swift test --skip-build 2>&1 | grep --line-buffered -vE '^(◇|↳)| started\.$'
exit "${PIPESTATUS[0]}"
