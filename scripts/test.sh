#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, starts the
# local platform (or reuses a healthy one), runs unit (on Node 20, 22 and 24), integration
# and lifecycle tests, stops what it started, and ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "installing npm dependencies"
bash scripts/ensure-deps.sh || exit 2

step "typecheck, lint, build"
npm run -s typecheck || exit 1
npm run -s lint || exit 1
npm run -s build || exit 1

# Debian's kcat is the independent client the tests check our writes with.
if ! command -v kcat >/dev/null 2>&1; then
  step "installing kcat"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null) || echo "warning: could not install kcat"
  else
    echo "warning: kcat is not installed and this is not a root Debian machine; install kcat for the tests that use it"
  fi
fi

rm -f .vitest-report-*.json
failed=0
run_project() {
  npx vitest run --project "$1" --reporter=default --reporter=json --outputFile.json=".vitest-report-$1.json" || failed=1
}

step "unit tests"
run_project unit

# streamctl supports Node 20, 22 and 24; the machines carry 20, so the unit tier runs again on
# the other two (binaries from the npm registry, cached).
other_node_reports=""
for major in 22 24; do
  step "unit tests on Node $major"
  if node_bin="$(bash scripts/node-runtime.sh "$major")"; then
    PATH="$(dirname "$node_bin"):$PATH" "$node_bin" node_modules/vitest/vitest.mjs run --project unit \
      --reporter=dot --reporter=json --outputFile.json=".vitest-report-unit-node$major.json" || failed=1
  else
    echo "error: could not get Node $major"
  fi
  other_node_reports="$other_node_reports .vitest-report-unit-node$major.json"
done

started=0
stop_platform() {
  if [ "$started" = 1 ]; then
    step "stopping the local platform"
    node bin/streamctl dev down || true
    started=0
  fi
}
trap stop_platform EXIT

step "local platform"
if node bin/streamctl dev status --check >/dev/null 2>&1; then
  echo "reusing the healthy local platform that is already running"
else
  started=1
  node bin/streamctl dev up || { echo "error: the local platform did not start"; failed=1; }
fi

if [ "$failed" = 0 ] || node bin/streamctl dev status --check >/dev/null 2>&1; then
  step "integration tests"
  run_project integration
fi
stop_platform

step "lifecycle tests (their own platforms, own ports)"
run_project lifecycle

# shellcheck disable=SC2086
node scripts/summarize-tests.mjs .vitest-report-unit.json $other_node_reports .vitest-report-integration.json .vitest-report-lifecycle.json || failed=1
exit "$failed"
