#!/usr/bin/env bash
# Set up and run the whole test suite, browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
# Debian packages the tests use, installed when missing (never a browser download): Chromium for the browser tests,
# poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) to read the briefing PDFs, a Java runtime for PySpark
# (tests/etl/test_survey_parquet_spark.py runs the survey statistics SQL on Spark in local mode).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-noto-color-emoji)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
