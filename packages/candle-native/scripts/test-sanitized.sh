#!/usr/bin/env bash
# Builds with ASan + UBSan (build-sanitized.sh), runs the C++ harness under the sanitizers (no Node
# needed), then, unless --harness-only, the addon's vitest suite in a Node that preloads libasan.
# Exits non-zero when either part fails.
set -uo pipefail
cd "$(dirname "$0")/.."
package_dir="$(pwd)"
repo_root="$(cd ../.. && pwd)"
shared_dir="${X_SHARED_DIR:-$(cd "$repo_root/.." && pwd)/shared}"
status=0

bash scripts/build-sanitized.sh || exit 1

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "== harness under ASan + UBSan"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
  build-asan/xcandle-harness test "$shared_dir/models/stories260K.gguf" || status=1

if [ "${1:-}" != "--harness-only" ]; then
  # Node itself is not instrumented: the ASan runtime must be loaded first, and Node's own
  # allocations at exit are not ours to report, so leak detection stays off here.
  libasan="$(${CXX:-g++} -print-file-name=libasan.so)"
  echo "== addon tests under ASan + UBSan (LD_PRELOAD=$libasan)"
  (cd "$repo_root" &&
    LD_PRELOAD="$libasan" \
      ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:handle_segv=0:allow_user_segv_handler=1" \
      X_CANDLE_ADDON="$package_dir/build-asan/Release/xcandle.node" \
      npx vitest run --project candle-native) || status=1
fi
exit $status
