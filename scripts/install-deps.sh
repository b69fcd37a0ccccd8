#!/usr/bin/env bash
# Installs the Debian packages Quire builds and tests against, skipping what is already there.
#   scripts/install-deps.sh            build needs: libtiff, libpng, libjpeg, sqlite3 headers, pkg-config
#   scripts/install-deps.sh --test     plus the independent peers the tests check output with
#   scripts/install-deps.sh --bench    plus the benchmark peers: libvips (vips CLI, pyvips), GraphicsMagick, bagit,
#                                      wrk and headless Chromium (quire bench serve)
set -euo pipefail

packages=(libtiff-dev libpng-dev libjpeg-dev libsqlite3-dev libssl-dev pkg-config)
if [[ "${1:-}" == "--test" ]]; then
  # Peers and viewers the tests check Quire's output with: tiffinfo, djpeg, xmllint, openssl's digests, the
  # sqlite3 shell (to read a ledger as a user would), headless Chromium (with a CJK font) for the quota report,
  # strace (the proof that quire verify opens nothing outside a bag).
  # PostgreSQL: the server the PostgreSQL ledger's tests start a throwaway cluster of (scripts/postgres.sh).
  packages+=(libtiff-tools libjpeg-turbo-progs libxml2-utils openssl sqlite3 chromium fonts-wqy-microhei strace)
  packages+=(postgresql iproute2)  # the server for the shared-ledger tests; ip for their network namespace
  packages+=(procps)  # ps and pkill: scripts/test.sh's watchdog lists and stops a suite that hangs
  command -v python3 >/dev/null || packages+=(python3 python3-venv)
fi

if [[ "${1:-}" == "--bench" ]]; then
  packages+=(libvips42 libvips-tools graphicsmagick python3-venv wrk chromium fonts-wqy-microhei)
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

# bagit-python (the independent BagIt validator the packaging tests check Quire's bags with) and Pillow (the
# peer decoder the orientation tests compare pixels with). Into the python3 on PATH when its pip may install;
# otherwise (Debian's own python3 refuses system-wide pip installs) into a virtual environment under
# .build-peers/, which scripts/test.sh puts first on PATH.
venv_ready() { [[ -x "$(dirname "$0")/../.build-peers/venv/bin/python3" ]] && "$(dirname "$0")/../.build-peers/venv/bin/python3" -c "import bagit, PIL" 2>/dev/null; }
if [[ "${1:-}" == "--test" ]] && ! python3 -c "import bagit, PIL" 2>/dev/null && ! venv_ready; then
  quiet() { grep -v "WARNING: Running pip as the 'root' user" || true; }
  if ! { python3 -m pip install -q bagit Pillow 2>&1 | quiet; python3 -c "import bagit, PIL" 2>/dev/null; }; then
    root="$(cd "$(dirname "$0")/.." && pwd)"
    if ! python3 -m venv "$root/.build-peers/venv" 2>/dev/null; then
      SUDO=""
      [[ $(id -u) -ne 0 ]] && SUDO="sudo"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$root/.build-peers/venv"
    fi
    "$root/.build-peers/venv/bin/pip" install -q bagit Pillow 2>&1 | quiet
  fi
fi

command -v swift >/dev/null || { echo "error: swift (6.0 or later) is not on PATH" >&2; exit 1; }

# Benchmark peers from PyPI (pyvips over the system libvips, bagit-python) into .build-peers/venv.
if [[ "${1:-}" == "--bench" ]]; then
  root="$(cd "$(dirname "$0")/.." && pwd)"
  [[ -x "$root/.build-peers/venv/bin/python3" ]] || python3 -m venv "$root/.build-peers/venv"
  "$root/.build-peers/venv/bin/python3" -c "import pyvips, bagit" 2>/dev/null \
    || "$root/.build-peers/venv/bin/pip" install -q pyvips bagit 2>&1 | grep -v "WARNING: Running pip as the 'root' user" || true
fi
