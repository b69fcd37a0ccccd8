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
# The suite runs in a session of its own under a watchdog: past QUIRE_TEST_MINUTES (20 by default; the
# suite takes about 5 on 2 cores) it prints the tests that started and never ended and the processes still
# running, then kills the session — a hang fails the run in minutes, naming the test, instead of running out CI's
# clock. The full log (with the "started" lines the screen leaves out) stays in .build-test-logs/.
mkdir -p .build-test-logs
raw=".build-test-logs/swift-test-$$.log"
limit="${QUIRE_TEST_MINUTES:-20}"
[[ "$limit" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "error: QUIRE_TEST_MINUTES must be whole minutes, 1 to 9999 (got '$limit')" >&2; exit 2; }
: >"$raw"
setsid swift test --skip-build >"$raw" 2>&1 &
suite=$!
(
  # Stopped early (the suite ended), it takes its sleep with it: nothing is left holding this script's output.
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$((limit * 60))" &
  sleeper=$!
  wait "$sleeper"
  kill -0 "$suite" 2>/dev/null || exit 0
  {
    echo "error: the test suite still runs after $limit minutes; these tests started and never ended:"
    python3 scripts/unfinished-tests.py "$raw"
    echo "processes still running:"
    ps -o pid,etimes,args --forest -s "$suite" | cut -c1-200
  } >&2
  # The whole session: SwiftPM and Foundation put the test binary and every child in process groups of their own.
  pkill -KILL -s "$suite" 2>/dev/null || kill -KILL -- "-$suite" 2>/dev/null
) &
watchdog=$!
tail -n +1 -f --pid="$suite" "$raw" | grep --line-buffered -vE '^(◇|↳)| started\.$' | tee "$summary"
wait "$suite"
tests=$?
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null

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
