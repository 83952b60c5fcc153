#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, bring the local platform
# up from the real upstream components, and show it working end to end.
# It grows as streamctl's capabilities land (flink jobs, top).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh
npm run -s build >/dev/null
sc() { node bin/streamctl "$@"; }

echo "==> streamctl dev up"
sc dev up

echo
echo "==> streamctl schemas register   (checks compatibility first)"
sc schemas register

echo
echo "==> streamctl produce --events 1000 --rate 100/sec"
sc produce --events 1000 --rate 100/sec

echo
echo "==> the result: Flink SQL over the transactions topic, written to Postgres through JDBC"
node scripts/demo-result.mjs

echo
echo "The platform keeps running; stop it with: node bin/streamctl dev down"
