#!/bin/sh
# Start impact-search in production: build the bundled corpus's index on first start, then
# gunicorn. The container's command; the systemd unit runs the same two commands.
# Settings come from the environment: IMPACT_SEARCH_INDEX_DIR, IMPACT_SEARCH_HOST,
# IMPACT_SEARCH_PORT, IMPACT_SEARCH_TRUSTED_PROXIES, IMPACT_SEARCH_PUBLIC_URL, ...
set -eu
PREFIX="${IMPACT_SEARCH_PREFIX:-/opt/impact-search}"
"$PREFIX/bin/impact-search" index --if-missing --quiet
exec "$PREFIX/bin/impact-search" serve --prod
