#!/usr/bin/env bash
# The GPU check (docs/gpu.md): run on the GPU machine from the bundle scripts/gpu-bundle.sh built.
#   [GPU_CHECK_BUDGET_S=480] [PEAK_FP32_TFLOPS=67] ./gpu-check.sh RESULTS_DIR
#
# A GPU machine may be lent for a few minutes and cut the command off at a hard limit, so the check has ONE time
# budget (GPU_CHECK_BUDGET_S seconds, default 480: under a 10-minute limit with room to spare) and spends it in
# order of value: the machine record; doctor; the gpu-tagged tests (the engine-agreement check); the GPU-sized
# bench beside the PyTorch peer; the sample-size comparison with the fused engine (double, then float); the small
# bench. A step runs under the smaller of its own cap and the budget left; a step whose minimum does not fit in
# what is left is skipped, and the summary says so. An EXIT trap writes summary.md from whatever finished, also
# after a failure or a signal (TERM, INT, HUP stop the running step first).
#
# RESULTS_DIR (empty or new) receives at most 8 files, none in a subfolder, because that is what such a machine
# hands back:
#   summary.md     the figures and a table of every step (passed, failed, timed out, skipped; its first error)
#   log.txt        every line of every step's stdout and stderr, in order
#   machine.txt    the machine record (glibc, libz, libstdc++, libcuda.so.1, driver and CUDA version, nvidia-smi,
#                  python and torch)
#   tests.txt      doctor and the gpu-tagged tests
#   agreement.txt  the sample-size runs on cuda and on fused and their comparison, outcome by outcome
#   bench.txt      the benches' output; bench.csv the same as a table (summarize.py)
#   runs.tar.gz    only when a sample-size step failed: the run folders, for the diagnosis
# Each step's lines go to log.txt and to its record (the file above), under a line "=== step NAME ...".
# The run folders and everything else a step writes go to a scratch folder that is deleted at the end.
# Exit code: 0 when every step ran and passed, else the number of steps that failed or were skipped.
set -uo pipefail
b="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
self="$b/$(basename "${BASH_SOURCE[0]}")"

# The first step: what the machine is, so that a failure elsewhere can be read (the bundle's Java runtime needs
# glibc 2.34 or newer; JCuda's binding needs libcuda.so.1 and libstdc++). Exit 1 when the runtime cannot run here.
machine_record() {
  local bad=0 glibc lib where
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
  echo "kernel: $(uname -srm)"
  echo "cpu: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
  echo "memory:$(grep -m1 MemTotal /proc/meminfo 2>/dev/null | cut -d: -f2-)"
  glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>&1 | head -1)"
  if printf '%s\n' "$glibc" | awk '{v=$NF; split(v, a, "."); exit !(a[1] > 2 || (a[1] == 2 && a[2] >= 34))}'; then
    echo "glibc: $glibc (the bundle's Java runtime needs 2.34 or newer: ok)"
  else
    echo "glibc: $glibc (the bundle's Java runtime needs 2.34 or newer: TOO OLD)"
    bad=1
  fi
  for lib in libz.so.1 libstdc++.so.6 libcuda.so.1; do
    where="$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l {print $NF}' | sort -u | tr '\n' ' ')"
    for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /lib64 \
        /usr/local/nvidia/lib64 /usr/lib/wsl/lib; do
      [ -e "$d/$lib" ] && case " $where " in *" $d/$lib "*) ;; *) where="$where$d/$lib ";; esac
    done
    if [ -n "$where" ]; then
      echo "$lib: $where(-> $(readlink -f ${where%% *}))"
    else
      echo "$lib: not found"
    fi
  done
  if [ -r /proc/driver/nvidia/version ]; then
    echo "nvidia kernel module: $(head -1 /proc/driver/nvidia/version)"
  else
    echo "nvidia kernel module: none (/proc/driver/nvidia/version absent)"
  fi
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=index,name,compute_cap,memory.total,driver_version --format=csv 2>&1
    nvidia-smi 2>&1 | grep -m1 'CUDA Version' | sed 's/^[ |]*//; s/[ |]*$//'
    nvidia-smi 2>&1
  else
    echo "nvidia-smi: not installed"
  fi
  echo "python: $(python3 --version 2>&1)"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "devices",
torch.cuda.device_count(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "(no cuda device)")' \
    2>&1 | tail -1 | sed 's/^/torch: /'
  echo "bundle runtime: $("$b/runtime/bin/java" -version 2>&1 | head -1)" || bad=1
  if ldd "$b/runtime/lib/server/libjvm.so" 2>&1 | grep -q 'not found'; then
    echo "bundle runtime: libraries not found:"; ldd "$b/runtime/lib/server/libjvm.so" 2>&1 | grep 'not found'
    bad=1
  fi
  "$b/onecnn" --version 2>&1 || bad=1
  return "$bad"
}
if [ "${1:-}" = "--machine-record" ]; then
  machine_record
  exit
fi

res="${1:?usage: gpu-check.sh RESULTS_DIR (GPU_CHECK_BUDGET_S=seconds, default 480)}"
budget="${GPU_CHECK_BUDGET_S:-480}"
if ! [[ "$budget" =~ ^[0-9]+$ ]] || [ "$budget" -lt 20 ]; then
  echo "gpu-check: GPU_CHECK_BUDGET_S: '$budget' is not a whole number of seconds of at least 20" >&2
  exit 2
fi
if [ -e "$res" ] && [ -n "$(ls -A "$res" 2>/dev/null)" ]; then
  echo "gpu-check: $res is not empty; give a new or empty results folder (at most 8 files come back)" >&2
  exit 2
fi
mkdir -p "$res" || exit 2
res="$(cd "$res" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")" || exit 2
log="$res/log.txt"
steps="$work/steps.tsv"
fifo="$work/step.fifo"
: > "$log"
: > "$steps"
export ONECNN_HOME="$work"
export PYTHONUNBUFFERED=1
t_start=$SECONDS
deadline=$((t_start + budget))
# held back from the steps for the summary, the archive and the clean-up
reserve=10
cur_name=""
cur_pid=""
cur_t0=0
cur_rec=""
interrupted=0

note() { # a line for the log and, when given, a record
  echo "$1" | tee -a "$log" ${2:+"$res/$2"}
}

row() { # name status exit seconds record
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$steps"
}

passed() { # whether step NAME ran and passed
  awk -F'\t' -v n="$1" '$1 == n && $2 == "passed" {f = 1} END {exit !f}' "$steps"
}

# step RECORD NEED CAP NAME COMMAND...: run COMMAND in the scratch folder under min(CAP, budget left) seconds,
# its stdout and stderr merged in one pipe (so in order) and copied to log.txt, RESULTS_DIR/RECORD and the console;
# skipped when less than NEED seconds are left
step() {
  local rec="$1" need="$2" cap="$3" name="$4"
  shift 4
  local left=$((deadline - reserve - SECONDS))
  if [ "$left" -lt "$need" ]; then
    note "=== step $name: skipped: it needs ${need} s, $((left < 0 ? 0 : left)) s of the budget are left" "$rec"
    row "$name" skipped - 0 "$rec"
    return 1
  fi
  local limit=$((cap < left ? cap : left))
  note "=== step $name ($(date -u +%H:%M:%S), limit ${limit} s): $*" "$rec"
  rm -f "$fifo"
  mkfifo "$fifo"
  tee -a "$log" "$res/$rec" < "$fifo" &
  local tee_pid=$!
  cur_name="$name"
  cur_t0=$SECONDS
  cur_rec="$rec"
  (cd "$work" && exec timeout -k 5 "$limit" "$@") > "$fifo" 2>&1 &
  cur_pid=$!
  wait "$cur_pid"
  local rc=$?
  cur_pid=""
  wait "$tee_pid"
  local secs=$((SECONDS - cur_t0)) status=passed
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    status="timed out"
  elif [ "$rc" != 0 ]; then
    status=failed
  fi
  note "=== step $name: $status (exit $rc) after $secs s" "$rec"
  row "$name" "$status" "$rc" "$secs" "$rec"
  cur_name=""
  return "$rc"
}

skip() { # name record reason
  note "=== step $1: skipped: $3" "$2"
  row "$1" skipped - 0 "$2"
}

on_signal() {
  trap - TERM INT HUP
  note "gpu-check: stopped by SIG$1 after $((SECONDS - t_start)) s"
  if [ -n "$cur_pid" ]; then
    kill -TERM "$cur_pid" 2>/dev/null
    wait "$cur_pid" 2>/dev/null
    wait 2>/dev/null
    note "=== step $cur_name: interrupted (SIG$1) after $((SECONDS - cur_t0)) s" "$cur_rec"
    row "$cur_name" interrupted - $((SECONDS - cur_t0)) "$cur_rec"
  fi
  interrupted=1
  exit 130
}

finish() {
  local code=$?
  trap - EXIT TERM INT HUP
  # the run folders, only when they are needed for a diagnosis: one archive
  if [ -d "$work/runs" ] && awk -F'\t' '$5 == "agreement.txt" && $2 != "passed" && $2 != "skipped" {f = 1}
      END {exit !f}' "$steps"; then
    tar -czf "$res/runs.tar.gz" -C "$work" runs 2>>"$log" \
      && note "gpu-check: the run folders are in runs.tar.gz ($(du -k "$res/runs.tar.gz" | cut -f1) KiB)"
  fi
  local failed
  failed=$(awk -F'\t' '$2 != "passed" {c++} END {print c + 0}' "$steps")
  [ "${interrupted:-0}" = 1 ] && [ "$failed" = 0 ] && failed=1
  note "gpu-check: $failed step(s) failed or skipped; $((SECONDS - t_start)) s of the ${budget} s budget used"
  if ! python3 "$b/summarize.py" "$res" "$steps" "${PEAK_FP32_TFLOPS:-67}" "$budget" \
      "$((SECONDS - t_start))" >> "$log" 2>&1; then
    # no python (or it failed): the step table alone, so that summary.md is never missing
    {
      echo "# GPU check summary"
      echo
      echo "summarize.py did not run (see log.txt); the steps:"
      echo
      awk -F'\t' '{printf "- %s: %s (exit %s, %s s, %s)\n", $1, $2, $3, $4, $5}' "$steps"
    } > "$res/summary.md"
  fi
  rm -rf "$work"
  [ "$code" != 0 ] && [ "$failed" = 0 ] && failed=1
  exit "$((failed > 100 ? 100 : failed))"
}
trap finish EXIT
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT
trap 'on_signal HUP' HUP

note "gpu-check $(date -u +%FT%TZ): budget ${budget} s, results in $res"
onecnn="$b/onecnn"
java=("$b/runtime/bin/java" --add-modules jdk.incubator.vector -Djava.library.path="$b/native")
large=(--n 16384 --k 25 --p 6 --students 4096)

# 1. the machine
step machine.txt 5 30 machine bash "$self" --machine-record
# 2. doctor, then the gpu-tagged tests (CudaFusedAgreementGpuTest: cuda against fused on the same initial points
#    and data, every regime, float and double, and bit-identical reruns; the cuda engine's own gpu tests)
step tests.txt 10 60 doctor "$onecnn" doctor --profile cuda-hopper
step tests.txt 45 180 gpu-tests "${java[@]}" -cp "$b/test-classes:$b/lib/*:$b/test-lib/*" org.onecnn.gpu.GpuTests \
  "$b/test-classes"
# 3. the GPU-sized bench beside the PyTorch peer (the target: cuda at least 5 times torch)
step bench.txt 15 60 bench-cuda-large "$onecnn" bench empirical --engine cuda "${large[@]}"
step bench.txt 15 90 bench-torch-large python3 "$b/peers/ensemble_torch.py" 16384 25 6 4096 20
# 4. a short sample-size run on cuda and on fused, compared outcome by outcome (double, then float); fused only
#    when cuda finished, so that a failing GPU does not spend the budget on the CPU
for dt in double float; do
  if step agreement.txt 20 90 "run-cuda-$dt" "$onecnn" run "$b/check-run.yaml" --quiet \
      --set empirical.engine=cuda --set empirical.data_type=$dt --set name=check-cuda-$dt; then
    if step agreement.txt 20 120 "run-fused-$dt" "$onecnn" run "$b/check-run.yaml" --quiet \
        --set empirical.engine=fused --set empirical.data_type=$dt --set name=check-fused-$dt; then
      step agreement.txt 3 20 "compare-$dt" python3 "$b/compare_runs.py" \
        "$(ls -d "$work"/runs/check-cuda-$dt-* 2>/dev/null | tail -1)" \
        "$(ls -d "$work"/runs/check-fused-$dt-* 2>/dev/null | tail -1)" "sample-size $dt: cuda vs fused"
    else
      skip "compare-$dt" agreement.txt "run-fused-$dt did not pass"
    fi
  else
    skip "run-fused-$dt" agreement.txt "run-cuda-$dt did not pass"
    skip "compare-$dt" agreement.txt "run-cuda-$dt did not pass"
  fi
done
# 5. the small bench: cuda, torch, the fused CPU engine
step bench.txt 10 45 bench-cuda-small "$onecnn" bench empirical --engine cuda
step bench.txt 10 45 bench-torch-small python3 "$b/peers/ensemble_torch.py" 4096 25 6 256 20
step bench.txt 10 45 bench-fused-small "$onecnn" bench empirical --engine fused
# 6. the 6×25 float kernel's other register caps (docs/engines.md, "Register cap"): the same bits, which is fastest
for mb in 3 4; do
  step bench.txt 15 60 "bench-cuda-large-mb$mb" env ONECNN_JAVA_OPTS="-Donecnn.cuda.min_blocks=$mb" "$onecnn" \
    bench empirical --engine cuda "${large[@]}"
done
exit 0
