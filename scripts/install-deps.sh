#!/usr/bin/env bash
# Installs the Debian packages Quire builds and tests against, skipping what is already there.
#   scripts/install-deps.sh            build needs: libtiff, libpng, libjpeg, sqlite3 headers, pkg-config
#   scripts/install-deps.sh --test     plus the independent peers the tests check output with
set -euo pipefail

packages=(libtiff-dev libpng-dev libjpeg-dev libsqlite3-dev libssl-dev pkg-config)
if [[ "${1:-}" == "--test" ]]; then
  # Peers and viewers the tests check Quire's output with: tiffinfo, djpeg, xmllint, headless Chromium (with a
  # CJK font) for the quota HTML report.
  packages+=(libtiff-tools libjpeg-turbo-progs libxml2-utils chromium fonts-wqy-microhei)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# bagit-python: the independent BagIt validator the packaging tests check Quire's bags with.
if [[ "${1:-}" == "--test" ]] && ! python3 -c "import bagit" 2>/dev/null; then
  python3 -m pip install -q bagit 2>&1 | grep -v "WARNING: Running pip as the 'root' user" || true
fi

command -v swift >/dev/null || { echo "error: swift (6.0 or later) is not on PATH" >&2; exit 1; }
