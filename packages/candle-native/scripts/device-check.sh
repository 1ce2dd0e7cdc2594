#!/usr/bin/env bash
# The CUDA checks, for a machine with an NVIDIA GPU, nvcc, CMake and ninja (no Node needed):
#   bash packages/candle-native/scripts/device-check.sh OUTDIR
# Builds the engine and the C++ harness (build-device/, machine code for this GPU only), runs every
# CUDA kernel against its CPU twin, times the float GEMV against the card's copy bandwidth, runs the
# checks again under compute-sanitizer memcheck and racecheck, and writes OUTDIR/device-check.md (a
# table of the steps, the kernel table, the GEMV table) plus one log per step: 7 files in all.
# Exits non-zero, naming the step, when any step fails, times out, or finds no usable GPU (a skipped
# GPU check counts as a failure here). Budget: well under 8 minutes on 16 cores; each step has a timeout.
set -uo pipefail
out="${1:?usage: device-check.sh OUTDIR}"
cd "$(dirname "$0")/.."
mkdir -p "$out"
out="$(cd "$out" && pwd)"
report="$out/device-check.md"
tables="$(mktemp -d)"  # markdown fragments, folded into the report
build=build-device
failed=""
rows=()

# nvcc and compute-sanitizer where PATH lacks them
if [ -d /usr/local/cuda/bin ]; then export PATH="$PATH:/usr/local/cuda/bin"; fi
gpu="$(nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader 2>/dev/null | head -1)"
capability="$(echo "$gpu" | awk -F', ' '{print $3}' | tr -d .)"
# this GPU's own architecture ("a": Hopper's wgmma/setmaxnreg need it), else the release list
case "$capability" in
  90) archs=90a ;;
  "") archs="80;90a" ;;
  *) archs="$capability" ;;
esac

# step NAME TIMEOUT_S COMMAND…: runs it with its log in OUTDIR/NAME.log, records a table row
step() {
  local name="$1" limit="$2"
  shift 2
  local start=$SECONDS status
  echo "== $name (limit ${limit}s)"
  timeout --kill-after=10 "$limit" "$@" >"$out/$name.log" 2>&1
  status=$?
  local took=$((SECONDS - start)) result=pass
  if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    result="**TIMED OUT**"
  elif [ $status -eq 3 ] && [ "$name" = gpu-checks ]; then
    result="**SKIPPED: no usable GPU** (exit 3)"
  elif [ $status -ne 0 ]; then
    result="**FAILED** (exit $status)"
  fi
  tail -n 5 "$out/$name.log"
  rows+=("| $name | $result | ${took} s | \`$*\` |")
  if [ "$result" != pass ]; then
    failed="${failed:+$failed, }$name"
    echo "!! $name: $result (log: $out/$name.log)"
    return 1
  fi
}

write_report() {
  {
    echo "# Device check"
    echo
    echo "- GPU: ${gpu:-none found by nvidia-smi}"
    echo "- nvcc: $(nvcc --version 2>/dev/null | tail -1 || echo 'not found')"
    echo "- CUDA targets: XC_CUDA_ARCHS=$archs"
    echo "- command: \`bash packages/candle-native/scripts/device-check.sh OUTDIR\`, $(date -u +%Y-%m-%dT%H:%MZ)"
    if [ -n "$failed" ]; then echo "- result: **FAILED**: $failed"; else echo "- result: all steps passed"; fi
    echo
    echo "| step | result | time | command |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo
    for table in gpu-checks gpu-bench; do
      if [ -f "$tables/$table.md" ]; then cat "$tables/$table.md"; echo; fi
    done
  } >"$report"
}

harness="$build/xcandle-harness"
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
if step configure 120 env XC_CUDA_ARCHS="$archs" cmake -S native -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CUDA_FLAGS=-lineinfo -Xptxas=-v" \
     -DXC_CUDA=ON &&
   grep -q "xcandle: CUDA" "$out/configure.log" &&
   step build 300 cmake --build "$build" --target xcandle-harness --parallel "$(nproc)" &&
   step gpu-checks 60 "$harness" gpu-checks --markdown "$tables/gpu-checks.md"; then
  step gpu-bench 120 "$harness" gpu-bench --markdown "$tables/gpu-bench.md"
  if command -v compute-sanitizer >/dev/null; then
    step memcheck 180 compute-sanitizer --tool memcheck --error-exitcode 1 --leak-check full "$harness" gpu-checks
    step racecheck 180 compute-sanitizer --tool racecheck --error-exitcode 1 "$harness" gpu-checks
  else
    failed="${failed:+$failed, }compute-sanitizer not found"
    rows+=("| memcheck, racecheck | **compute-sanitizer NOT FOUND** | | |")
  fi
elif [ -z "$failed" ]; then
  failed="configure found no nvcc (no 'xcandle: CUDA' line)"
fi
write_report
echo
cat "$report"
if [ -n "$failed" ]; then
  echo "DEVICE CHECK FAILED: $failed" >&2
  exit 1
fi
echo "device check passed"
