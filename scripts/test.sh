#!/usr/bin/env bash
# Installs what the tests need and runs the whole test suite.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test || exit 1
# The test peers' virtual environment, when install-deps.sh had to make one.
[[ -x .build-peers/venv/bin/python3 ]] && export PATH="$PWD/.build-peers/venv/bin:$PATH"

# The repository's .swift-format holds (lint only; `bash scripts/format.sh` fixes what it finds).
bash scripts/format.sh --check || exit 1

# Build first (quietly: only diagnostics), so a compile error stops here with its message.
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Linking|Emitting|Applying)'
build=${PIPESTATUS[0]}
[[ $build -eq 0 ]] || { echo "error: build failed ($build)" >&2; exit "$build"; }

summary="$(mktemp)"
# A throwaway PostgreSQL cluster for the PostgreSQL ledger's tests (loopback, a free port, its own user and data
# folder), stopped and removed when the run ends however it ends.
pg="$PWD/.build-pg/test-$$"
export QUIRE_TEST_POSTGRES
QUIRE_TEST_POSTGRES="$(bash scripts/postgres.sh start "$pg")" || { echo "error: cannot start the test PostgreSQL" >&2; exit 3; }
trap 'rm -f "$summary"; bash scripts/postgres.sh stop "$pg"; rm -rf "$pg"' EXIT
swift test --skip-build 2>&1 | grep --line-buffered -vE '^(◇|↳)| started\.$' | tee "$summary"
tests=${PIPESTATUS[0]}

# A short fuzz run of every parser (scripts/fuzz.sh; QUIRE_FUZZ_SECONDS per target, 20 by default, 0 skips it).
# A crash fails the run; the test suite's own status wins when it failed.
fuzz=0
seconds="${QUIRE_FUZZ_SECONDS:-20}"
if [[ "$seconds" != 0 ]]; then
  echo "== fuzzing each parser for $seconds s (scripts/fuzz.sh) =="
  bash scripts/fuzz.sh --seconds "$seconds"
  fuzz=$?
fi

# The test counts again, last, so the run still ends with them.
if [[ "$seconds" != 0 ]]; then
  echo "== test summary =="
  grep -E 'Executed [0-9]+ tests?, with|Test run with [0-9]+ tests?' "$summary" | tail -n 2
fi
((tests != 0)) && exit "$tests"
exit "$fuzz"
