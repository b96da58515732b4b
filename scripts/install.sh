#!/usr/bin/env bash
# One-step set-up on a fresh Debian machine: system packages (a CJK TrueType font for PDFs, poppler and
# LibreOffice for the tests that look at rendered output, psql and pg_dump for the upgrade tests), then the Python
# package.
#   scripts/install.sh          the tool
#   scripts/install.sh --test   the tool plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=(fonts-wqy-microhei fonts-dejavu-core)  # DejaVu Sans: the PDF fallback font (Hebrew, Arabic, symbols)
[ "$want_tests" = 1 ] && packages+=(poppler-utils libreoffice-calc-nogui tmux chromium postgresql-client minisign)  # psql: v1 dump

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: not a Debian system; install a CJK TrueType font yourself (see README, 'Fonts')" >&2
  fi
fi

extra=""
[ "$want_tests" = 1 ] && extra="[test]"
python3 -m pip install --quiet --disable-pip-version-check -e ".${extra}"
