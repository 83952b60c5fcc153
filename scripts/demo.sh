#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, bring the local platform
# up from the real upstream components, and show it working end to end.
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
echo "==> streamctl pipeline up   (the platform's Flink jobs: windowed analytics, positions projection, count windows)"
sc pipeline up

echo
echo "==> streamctl produce --events 1000 --rate 100/sec"
sc produce --events 1000 --rate 100/sec

echo
echo "==> the result: what the Flink jobs wrote to Postgres"
node scripts/demo-result.mjs

echo
echo "==> streamctl pipeline status"
sc pipeline status

echo
echo "The platform and the pipeline keep running: watch them with node bin/streamctl top; stop with node bin/streamctl pipeline down, then dev down"
