#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned Python packages. Usage: scripts/setup.sh [requirements file]
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(basename "$requirements")"
# Reinstall only when a requirements file changed since the last install.
if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install --disable-pip-version-check -q -r "$requirements"
  touch "$stamp"
fi
