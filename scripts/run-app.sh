#!/usr/bin/env bash
# Set up and start the dashboard on the default database (data/par.duckdb, built on first start).
# Extra arguments go to Streamlit, e.g. scripts/run-app.sh --server.port 8502
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
exec .venv/bin/python scripts/serve.py "$@"
