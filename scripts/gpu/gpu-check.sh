#!/usr/bin/env bash
# The GPU check (docs/gpu.md): run on the GPU machine from the bundle scripts/gpu-bundle.sh built.
#   ./gpu-check.sh RESULTS_DIR
# Writes into RESULTS_DIR: log.txt (everything), doctor.txt, gpu-tests.txt (the gpu-tagged tests, the engine
# agreement against the fused CPU engine among them), compare-*.txt (a short sample-size run on cuda and on fused,
# outcome by outcome), bench-*.txt (bench empirical --engine cuda and the PyTorch peer on the small and the
# GPU-sized workload), summary.md (the ratios and the fraction of the fp32 peak), runs/ (the run folders).
# Each step has its own time limit; a failing step is recorded and the others still run. About 4-6 minutes on
# an H200. Exit code: the number of failed steps (0: all passed).
set -uo pipefail
b="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
res="${1:?usage: gpu-check.sh RESULTS_DIR}"
mkdir -p "$res/runs"
res="$(cd "$res" && pwd)"
log="$res/log.txt"
failed=0
export ONECNN_HOME="$res"
step() { # name timeout_s command...
  local name="$1" limit="$2"; shift 2
  echo "=== $(date -u +%H:%M:%S) $name (limit ${limit}s): $*" | tee -a "$log"
  local t0=$SECONDS
  timeout "$limit" "$@" > >(tee "$res/$name.txt" >> "$log") 2> >(tee -a "$res/$name.txt" >> "$log" >&2)
  local rc=$?
  wait
  echo "=== $name: exit $rc after $((SECONDS - t0)) s" | tee -a "$log"
  [ "$rc" = 0 ] || failed=$((failed + 1))
  return 0
}
{
  echo "gpu-check $(date -u +%FT%TZ) on $(hostname)"
  nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv 2>&1 || echo "nvidia-smi: none"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1
} | tee -a "$log"
step version 30 "$b/onecnn" --version
step doctor 60 "$b/onecnn" doctor --profile cuda-hopper
# the gpu-tagged tests (CudaFusedAgreementGpuTest: cuda vs fused on the same inits and data, every regime, float
# and double, and bit-identical reruns; plus the cuda engine's own gpu tests)
step gpu-tests 240 "$b/runtime/bin/java" --add-modules jdk.incubator.vector -Djava.library.path="$b/native" \
  -cp "$b/test-classes:$b/lib/*:$b/test-lib/*" org.onecnn.gpu.GpuTests "$b/test-classes"
# a short sample-size run on cuda and on fused: the same outcomes (double), then float
for dt in double float; do
  for eng in cuda fused; do
    step "run-$eng-$dt" 150 "$b/onecnn" run "$b/check-run.yaml" --quiet --set empirical.engine=$eng \
      --set empirical.data_type=$dt --set name=check-$eng-$dt
  done
  step "compare-$dt" 30 python3 "$b/compare_runs.py" "$(ls -d "$res"/runs/check-cuda-$dt-* | tail -1)" \
    "$(ls -d "$res"/runs/check-fused-$dt-* | tail -1)" "sample-size $dt: cuda vs fused"
done
# the bench beside the PyTorch peer, same workload, same run
step bench-cuda-small 120 "$b/onecnn" bench empirical --engine cuda
step bench-torch-small 120 python3 "$b/peers/ensemble_torch.py" 4096 25 6 256 20
step bench-cuda-large 180 "$b/onecnn" bench empirical --engine cuda --n 16384 --k 25 --p 6 --students 4096
step bench-torch-large 180 python3 "$b/peers/ensemble_torch.py" 16384 25 6 4096 20
# the 6×25 float kernel's other register caps (docs/engines.md, "Register cap"): same bits, which one is fastest
for mb in 3 4; do
  step "bench-cuda-large-mb$mb" 180 env ONECNN_JAVA_OPTS="-Donecnn.cuda.min_blocks=$mb" "$b/onecnn" bench \
    empirical --engine cuda --n 16384 --k 25 --p 6 --students 4096
done
step bench-fused-small 120 "$b/onecnn" bench empirical --engine fused
step summary 30 python3 "$b/summarize.py" "$res" "${PEAK_FP32_TFLOPS:-67}"
echo "gpu-check: $failed step(s) failed; results in $res" | tee -a "$log"
exit "$failed"
