#!/usr/bin/env bash
# The quick start's promise, checked on the built app: `npm start` with no database configured serves
# /api/health on embedded PGlite, migrated, with the local provider.
set -euo pipefail
cd "$(dirname "$0")/.."
port=3917
data_dir=$(mktemp -d)
# In its own process group (setsid), so the cleanup ends npx and the next-server it spawns, not just npx.
setsid env -u DATABASE_URL -u POSTGRES_URL PGLITE_DATA_DIR="$data_dir" PORT=$port npx next start -p $port >"$data_dir/server.log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 60); do
  body=$(curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null || true)
  if [[ "$body" == *'"database":"ok"'* ]]; then
    echo "smoke: npm start on embedded PGlite answered $body"
    exit 0
  fi
  sleep 1
done
echo "smoke: /api/health did not report the database within 60 s; server log:" >&2
cat "$data_dir/server.log" >&2
exit 1
