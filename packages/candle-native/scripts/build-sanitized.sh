#!/usr/bin/env bash
# Builds engine, harness and addon with AddressSanitizer + UBSan into packages/candle-native/build-asan:
#   build-asan/Release/xcandle.node, build-asan/Release/xcandle-harness (also linked as build-asan/xcandle-harness)
set -euo pipefail
cd "$(dirname "$0")/.."

# cmake-js uses node-api-headers only when package.json declares binary.napi_versions; otherwise it
# wants Node's own headers, which the Node installation itself ships (never download them).
if ! node -e "process.exit(require('./package.json').binary?.napi_versions ? 0 : 1)"; then
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$node_prefix"; fi
fi

npx cmake-js compile --out build-asan --CDXC_SANITIZE=ON --parallel "${XC_BUILD_JOBS:-2}"
ln -sfn Release/xcandle-harness build-asan/xcandle-harness
