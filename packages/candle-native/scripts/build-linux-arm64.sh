#!/usr/bin/env bash
# Cross-compiles the addon and the harness for linux-arm64 with Debian's toolchain, runs the harness's
# checks under qemu-user (the portable kernels on ARM), and stages prebuilds/linux-arm64/xcandle.node.
#   apt-get install g++-aarch64-linux-gnu qemu-user    # once
#   bash packages/candle-native/scripts/build-linux-arm64.sh [path/to/stories260K.gguf]
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain="$PWD/native/cmake/aarch64-linux-gnu.cmake"
model="${1:-${X_SHARED_DIR:-$PWD/../../../shared}/models/stories260K.gguf}"

npx cmake-js compile --out build-arm64 --arch arm64 --CDCMAKE_TOOLCHAIN_FILE="$toolchain" \
  --parallel "${XC_BUILD_JOBS:-2}"
file build-arm64/Release/xcandle.node | grep -q 'ARM aarch64' || { echo "not an arm64 binary" >&2; exit 1; }
qemu-aarch64 -L /usr/aarch64-linux-gnu build-arm64/Release/xcandle-harness test "$model"
node scripts/stage-prebuild.mjs --from build-arm64/Release/xcandle.node --platform linux-arm64
