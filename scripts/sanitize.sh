#!/usr/bin/env bash
# Runs the test suite and an import, run and verify of the whole shared corpus under a sanitizer.
#
#   scripts/sanitize.sh [address|thread]…     (default: address, then thread)
#   SANITIZE_SKIP_TESTS=1 scripts/sanitize.sh address     corpus only
#
# For each sanitizer: builds Quire and its tests with `--sanitize=<name>` into .build-asan / .build-tsan,
# runs `swift test` there, then copies every image of ../shared/corpus (valid, corrupt and unknown alike) into
# a delivery named by 档号 (one record per file: <fonds>-001-<nnnn>/0001.<ext>), and runs
#   quire import  (a permissive pipeline: multi-page accepted, any resolution, nothing ignored)
#   quire run     (the same pipeline, a catalog listing every record) into a second workspace
#   quire verify  on the bags the run made (with the same pipeline, so 72 dpi corpus pages are not errors).
# Every sanitizer report (ASAN_OPTIONS/TSAN_OPTIONS log_path) lands in <scratch>/sanitize/reports/, the suite's
# output in <scratch>/sanitize/tests.log, and <scratch>/sanitize/corpus/corpus-map.tsv maps each 档号 back to its
# corpus file. Note: Swift's Synchronization.Mutex is not visible to TSan on Linux (its futex is not
# intercepted), so state touched only inside `withLock` is reported as a "Swift access race"; a six-line program
# with one Mutex shows the same report. Read each TSan report's stack before taking it for a race. Prints one result line per
# sanitizer and exits 1 when a sanitizer reported anything, a test failed or a command crashed. Not part of
# CI's run (a full sanitized build and suite takes a long while); run it before a release.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
corpus="$(cd .. && pwd)/shared/corpus"

sanitizers=("$@")
((${#sanitizers[@]})) || sanitizers=(address thread)
for s in "${sanitizers[@]}"; do
  [[ "$s" == address || "$s" == thread ]] || { echo "sanitize.sh: '$s' is not address or thread" >&2; exit 2; }
done

bash scripts/install-deps.sh --test || exit 1
[[ -x .build-peers/venv/bin/python3 ]] && export PATH="$PWD/.build-peers/venv/bin:$PATH"

# The delivery, catalog and pipeline the corpus is run with, in $1.
make_delivery() {
  local out="$1"
  rm -rf "$out"
  mkdir -p "$out/delivery"
  printf '序号,档号,题名,日期,页数\n' >"$out/catalog.csv"
  printf 'code\tcorpus file\texpect\n' >"$out/corpus-map.tsv"
  local n=0 path expect fonds ext code
  while IFS=$'\t' read -r path expect; do
    n=$((n + 1))
    case "$path" in tiff/*) fonds=0101 ;; png/*) fonds=0102 ;; *) fonds=0103 ;; esac
    ext="${path##*.}"
    code=$(printf '%s-001-%04d' "$fonds" "$n")
    mkdir -p "$out/delivery/$code"
    cp "$corpus/$path" "$out/delivery/$code/0001.${ext,,}"
    printf '%d,%s,%s,20240101,1\n' "$n" "$code" "corpus ${path//,/ }" >>"$out/catalog.csv"
    printf '%s\t%s\t%s\n' "$code" "$path" "$expect" >>"$out/corpus-map.tsv"
  done < <(awk -F'\t' 'NR > 1 && $8 == "image" { print $1 "\t" $6 }' "$corpus/MANIFEST.tsv")
  cat >"$out/pipeline.yaml" <<'YAML'
# Lets every corpus file reach the decoder and, when it decodes, the rest of the pipeline.
name: sanitize-corpus
import:
  multi_page: accept
  ignore: []
  workers: 2
resolution:
  minimum_dpi: 1
  ocr_minimum_dpi: 1
  assume_dpi: 300
YAML
  echo "$n"
}

# Counts the reports in $1 and prints their distinct SUMMARY lines.
summarize_reports() {
  local dir="$1"
  local count
  count=$(find "$dir" -type f | wc -l)
  echo "$count report file(s)"
  ((count)) && grep -h '^SUMMARY:' "$dir"/* | sort | uniq -c | sort -rn | head -20
  return 0
}

overall=0
results=()
for s in "${sanitizers[@]}"; do
  if [[ $s == address ]]; then scratch=.build-asan; else scratch=.build-tsan; fi
  out="$root/$scratch/sanitize"
  reports="$out/reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  echo "== $s sanitizer: building into $scratch =="
  swift build --build-tests --scratch-path "$scratch" --sanitize="$s" 2>&1 \
    | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Linking|Emitting|Applying)|Cannot export local symbol'
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "error: $s build failed" >&2; exit 1; }

  # Reports go to files (one per process, so the CLI the tests start is caught too) and the run goes on.
  export ASAN_OPTIONS="detect_leaks=0:halt_on_error=0:log_path=$reports/asan"
  export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:log_path=$reports/tsan"

  tests="tests skipped"
  if [[ "${SANITIZE_SKIP_TESTS:-0}" != 1 ]]; then
    echo "== $s sanitizer: swift test =="
    swift test --skip-build --scratch-path "$scratch" --sanitize="$s" >"$out/tests.log" 2>&1
    status=$?
    tests="$(grep -E 'Test run with [0-9]+ tests?' "$out/tests.log" | tail -1 | sed 's/^[^A-Za-z]*//')"
    [[ -n "$tests" ]] || tests="swift test exited $status without a summary (see $out/tests.log)"
    grep -E '✘ Test .* (failed|recorded an issue)' "$out/tests.log" | head -20
    ((status == 0)) || overall=1
  fi
  test_reports=$(find "$reports" -type f | wc -l)

  echo "== $s sanitizer: the corpus through import, run and verify =="
  work="$out/corpus"
  files=$(make_delivery "$work")
  quire="$scratch/debug/quire"
  "$quire" import "$work/delivery" --pipeline "$work/pipeline.yaml" --workspace "$work/ws-import" --batch corpus \
    --json --quiet >"$work/import.json" 2>"$work/import.err"
  import=$?
  "$quire" run "$work/delivery" --catalog "$work/catalog.csv" --pipeline "$work/pipeline.yaml" \
    --process samples/process.yaml --workspace "$work/ws-run" --json --quiet >"$work/run.json" 2>"$work/run.err"
  run=$?
  bags=$(find "$work/ws-run/bags" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
  verify="no bags"
  if ((bags)); then
    "$quire" verify "$work/ws-run/bags" --pipeline "$work/pipeline.yaml" >"$work/verify.txt" 2>&1
    verify=$?
  fi
  # 0 and 1 are the documented outcomes (1: files quarantined, records held); anything else is a finding.
  for code in "$import" "$run" "$verify"; do
    [[ "$code" == 0 || "$code" == 1 || "$code" == "no bags" ]] || overall=1
  done
  total_reports=$(find "$reports" -type f | wc -l)
  ((total_reports)) && overall=1
  echo "-- $s sanitizer reports --"
  summarize_reports "$reports"
  results+=("$s: $tests; $test_reports sanitizer report(s) from the tests; corpus of $files files: import exit $import, run exit $run, verify of $bags bags exit $verify; $((total_reports - test_reports)) report(s) from the corpus (reports in $reports)")
done

echo "== sanitizer results =="
printf '%s\n' "${results[@]}"
exit "$overall"
