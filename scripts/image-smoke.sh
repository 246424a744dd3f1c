#!/usr/bin/env bash
# What the container image runs, run without a container engine (none runs here): the
# runtime stage's files (Dockerfile) copied to a temporary folder, production dependencies
# installed there, the server started as an unprivileged user with HOST=0.0.0.0 and the app
# folder read-only (only the data folder writable, as /app/data in the image), the
# Dockerfile's literal HEALTHCHECK command until it passes (within its start period), a guest
# signing in, then SIGTERM: the server must drain and exit 0 within compose's grace period.
#
#   npm run build && scripts/image-smoke.sh
#
# Differences from the image, on purpose: the machine's Node (not node:24-bookworm-slim), and
# better-sqlite3's native module copied from this checkout's build rather than compiled again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f dist/server.mjs ] || [ ! -f .next/BUILD_ID ]; then
  echo "image-smoke: run npm run build first" >&2
  exit 1
fi

work=$(mktemp -d /tmp/parley-image-smoke.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
app="$work/app"
data="$work/data"
mkdir -p "$app/server/store/postgres" "$data"

echo "image-smoke: copying the runtime stage's files to $app"
# The same list as the Dockerfile's runtime stage.
cp package.json package-lock.json next.config.js prisma.config.ts "$app/"
cp -r prisma generated dist public "$app/"
cp -r server/config "$app/server/config"
cp server/store/postgres/adapter.ts "$app/server/store/postgres/adapter.ts"
cp -r .next "$app/.next"
rm -rf "$app/.next/cache"

echo "image-smoke: installing production dependencies"
(cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
for dev in eslint typescript-eslint @axe-core/playwright; do [ ! -d "$app/node_modules/$dev" ] || { echo "image-smoke: a development dependency ($dev) was installed" >&2; exit 1; }; done
cp -r node_modules/better-sqlite3/build "$app/node_modules/better-sqlite3/build"

# Unprivileged, as USER node: nobody, when this runs as root; otherwise the user it runs as.
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody:nogroup "$data"
  run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
# The app folder is read-only to the server.
chmod -R a-w "$app"

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log="$work/server.log"
who=$(id -un)
if [ ${#run_as[@]} -gt 0 ]; then who=nobody; fi
echo "image-smoke: starting node dist/server.mjs as $who on 0.0.0.0:$port"
(
  cd "$app"
  exec env -i PATH="$PATH" HOME="$work" \
    NODE_ENV=production NODE_OPTIONS=--enable-source-maps NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 \
    HOST=0.0.0.0 PORT="$port" DATABASE_URL="file:$data/parley.db" \
    "${run_as[@]}" node dist/server.mjs
) >"$log" 2>&1 &
server_pid=$!

# The Dockerfile's HEALTHCHECK command, as written there (its JSON array after CMD).
health=$(sed -n '/^HEALTHCHECK/,/CMD/p' Dockerfile | sed -n 's/^ *CMD \(\[.*\]\)$/\1/p')
[ -n "$health" ] || { echo "image-smoke: no HEALTHCHECK CMD found in the Dockerfile" >&2; exit 1; }
mapfile -t health_cmd < <(node -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$health")
start_period=$(sed -n 's/.*--start-period=\([0-9]*\)s.*/\1/p' Dockerfile)
deadline=$((SECONDS + ${start_period:-60}))
until PORT="$port" "${health_cmd[@]}"; do
  if ! kill -0 "$server_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "image-smoke: the HEALTHCHECK did not pass within ${start_period}s; the server's log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "image-smoke: HEALTHCHECK passed"

# A person can come in: a guest session from the address the server listens on.
status=$(node -e "fetch('http://127.0.0.1:$port/api/session',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({displayName:'Smoke'})}).then(r=>console.log(r.status),e=>{console.error(e);console.log(0)})")
[ "$status" = "201" ] || { echo "image-smoke: a guest could not sign in (HTTP $status); the server's log:" >&2; cat "$log" >&2; exit 1; }
page=$(node -e "fetch('http://127.0.0.1:$port/').then(r=>console.log(r.status),()=>console.log(0))")
[ "$page" = "200" ] || { echo "image-smoke: / answered $page; the server's log:" >&2; cat "$log" >&2; exit 1; }
echo "image-smoke: a guest signed in; / answers 200"

# SIGTERM: the drain, then exit 0, within compose's stop_grace_period (30 s).
kill -TERM "$server_pid"
code=""
for _ in $(seq 1 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && code=0 || code=$?
    break
  fi
  sleep 0.1
done
if [ -z "$code" ]; then
  echo "image-smoke: still running 30 s after SIGTERM; the server's log:" >&2
  cat "$log" >&2
  exit 1
fi
server_pid=""
if [ "$code" -ne 0 ]; then
  echo "image-smoke: exited $code after SIGTERM; the server's log:" >&2
  cat "$log" >&2
  exit 1
fi
grep -q '"shutting down"' "$log" || { echo "image-smoke: no drain in the log" >&2; cat "$log" >&2; exit 1; }
[ -f "$data/parley.db" ] || { echo "image-smoke: no database in the data folder" >&2; exit 1; }
echo "image-smoke: drained and exited 0 after SIGTERM; the data folder holds: $(find "$data" -mindepth 1 -maxdepth 1 -printf '%f ')"
