#!/usr/bin/env bash
# Set up and start the dashboard on the default database (data/par.duckdb, built on first start).
# Extra arguments go to Streamlit, e.g. scripts/run-app.sh --server.port 8502
#
# Safe by default: the server listens on 127.0.0.1 (this computer only) unless --server.address is given.
# Serving other machines needs sign-in ([auth] in .streamlit/secrets.toml) or PAR_ALLOW_ANONYMOUS=viewer|analyst|admin;
# without either, the app refuses every visitor when it listens beyond loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
address=(--server.address 127.0.0.1)
for arg in "$@"; do
  case "$arg" in
    --server.address|--server.address=*) address=() ;;
  esac
done
if [ -n "${STREAMLIT_SERVER_ADDRESS:-}" ]; then
  address=()
fi
exec .venv/bin/python scripts/serve.py "${address[@]}" "$@"
