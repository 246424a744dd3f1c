#!/usr/bin/env bash
# Lints what a container engine would run, with tools that work offline (no engine runs here):
# the Dockerfile (dockerfile-utils), the compose files (dclint, with .dclintrc.json's
# exceptions, and yamllint), Prometheus's files (yamllint), the shell scripts (shellcheck).
# docs/deploy.md ("What was and was not run") says what this does not prove.
set -euo pipefail
cd "$(dirname "$0")/.."

npx --no-install dockerfile-utils lint Dockerfile
npx --no-install dclint -c .dclintrc.json compose.yaml compose.cluster.yaml

missing=()
if command -v yamllint >/dev/null; then
  yamllint -d '{extends: relaxed, rules: {line-length: disable}}' compose.yaml compose.cluster.yaml deploy/prometheus/*.yml
else
  missing+=(yamllint)
fi
if command -v shellcheck >/dev/null; then
  shellcheck scripts/*.sh .ci/run
else
  missing+=(shellcheck)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -n "${PARLEY_REQUIRE_SERVICES:-}" ]; then
    echo "lint-deploy: ${missing[*]} missing (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "lint-deploy: skipped ${missing[*]} (not installed: apt-get install -y ${missing[*]})" >&2
fi
echo "lint-deploy: Dockerfile, compose files, Prometheus files and shell scripts pass"
