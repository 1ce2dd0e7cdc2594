#!/usr/bin/env bash
# Fuzzes the C++ GGUF reader and model loader with libFuzzer under ASan + UBSan (clang needed:
# apt-get install clang libclang-rt-<version>-dev).
#   scripts/fuzz.sh                 # 60 seconds
#   scripts/fuzz.sh --time 30       # seconds of fuzzing
#   scripts/fuzz.sh --runs 1000000  # executions
#   scripts/fuzz.sh --max-len 65536 # longest input (default 8192: the nano seeds load whole, the
#                                   # micro ones are cut to headers; raise it to fuzz quantized loads)
#   scripts/fuzz.sh --replay FILE…  # run inputs once (crash reproduction), no fuzzing
# Seeds: native/fuzz/corpus (committed, read-only here). New inputs: build-fuzz/corpus.
# Crashes, leaks and timeouts: build-fuzz/crashes/; add each as a regression case under
# native/fuzz/regressions/ (the C++ harness loads every file there).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=60)
max_len=8192
replay=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --max-len) max_len="$2"; shift 2 ;;
    --replay) shift; replay=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-dev)" >&2
  exit 3
fi

cmake -S native -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXC_FUZZ=ON -DXC_SANITIZE=ON -DXC_BUILD_HARNESS=OFF >/dev/null
cmake --build build-fuzz --target xcandle-fuzz-gguf --parallel "${XC_BUILD_JOBS:-2}"

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
if [ ${#replay[@]} -gt 0 ]; then
  exec build-fuzz/xcandle-fuzz-gguf -runs=1 "${replay[@]}"
fi
mkdir -p build-fuzz/corpus build-fuzz/crashes
exec build-fuzz/xcandle-fuzz-gguf "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/ build-fuzz/corpus native/fuzz/corpus
