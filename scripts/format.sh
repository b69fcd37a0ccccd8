#!/usr/bin/env bash
# Formats the Swift sources with the repository's .swift-format, or (--check) fails on any finding.
#   bash scripts/format.sh          rewrite Sources/, Tests/ and Package.swift in place
#   bash scripts/format.sh --check  lint only: exit 1 and list the findings when anything is off
set -uo pipefail
cd "$(dirname "$0")/.."

formatter=(swift format)
"${formatter[@]}" --version >/dev/null 2>&1 || formatter=(swift-format)
paths=(Sources Tests Package.swift)

if [[ "${1:-}" == "--check" ]]; then
  findings="$(mktemp)"
  trap 'rm -f "$findings"' EXIT
  "${formatter[@]}" lint --strict --parallel -r "${paths[@]}" 2>"$findings"
  status=$?
  if [[ $status -ne 0 || -s "$findings" ]]; then
    echo "error: $(wc -l <"$findings") swift-format findings (fix with: bash scripts/format.sh):" >&2
    head -n 40 "$findings" >&2
    exit 1
  fi
  echo "swift-format: no findings"
  exit 0
fi
exec "${formatter[@]}" format --in-place --parallel -r "${paths[@]}"
