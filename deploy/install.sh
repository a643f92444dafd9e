#!/bin/sh
# Install impact-search from this source tree into a new virtualenv at PREFIX (default
# /opt/impact-search), with the exact pins of constraints.txt. The container recipe's install
# step; tests/deploy/test_recipes.py runs it in a clean copy of the repository.
# web/vendor (the NHS.UK frontend, `make assets`) must exist: the wheel carries it.
set -eu
PREFIX="${1:-/opt/impact-search}"
cd "$(dirname "$0")/.."
if [ ! -f web/vendor/nhsuk-frontend/VERSION ]; then
  echo "web/vendor is missing: run \`make assets\` (npm ci) first" >&2
  exit 1
fi
python3 -m venv "$PREFIX"
"$PREFIX/bin/python" -m pip install --quiet -c constraints.txt .
