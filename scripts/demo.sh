#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, bring the local platform
# up from the real upstream components, and show it working end to end.
# It grows as streamctl's capabilities land (produce, schemas, flink, top).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh
npm run -s build >/dev/null

echo "==> streamctl dev up"
node bin/streamctl dev up

echo
echo "==> the platform at work"
node scripts/demo-smoke.mjs

echo
echo "The platform keeps running; stop it with: node bin/streamctl dev down"
