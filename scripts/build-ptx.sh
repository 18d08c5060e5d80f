#!/usr/bin/env bash
# Compile onecnn's kernels (src/main/cuda/onecnn.cu) to PTX: src/main/resources/cuda/onecnn.ptx, which the cuda
# engine loads with cuModuleLoadData (the driver JIT-compiles it for the GPU at hand, Volta through Blackwell).
#
# The compiler is clang's CUDA front end (Debian: apt-get install clang), device side only, WITHOUT the CUDA toolkit
# (-nocudainc -nocudalib, --cuda-path pointing nowhere: the output does not depend on an installed toolkit):
# target sm_70, PTX ISA 6.0, which every driver since CUDA 9.0 (r384) loads and JIT-compiles for compute capability
# 7.0 and up. Contraction is off (-ffp-contract=off): every fused multiply-add is the kernels' explicit fma(), as in
# the fused CPU engine, so both give the same bits.
#
# The committed PTX was made by the clang named in src/main/cuda/onecnn.ptx.compiler; CudaPtxTest regenerates it
# with this script and compares byte for byte when that clang is installed.
#
# Usage: scripts/build-ptx.sh [OUT.ptx]   (default: src/main/resources/cuda/onecnn.ptx)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/src/main/resources/cuda/onecnn.ptx}"
clang="${ONECNN_CLANG:-clang++}"
if ! command -v "$clang" >/dev/null 2>&1; then
    echo "build-ptx: $clang not found (Debian: apt-get install clang)" >&2
    exit 3
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# the source is copied to a fixed name so that no path of this machine gets into the PTX
cp "$root/src/main/cuda/onecnn.cu" "$root/src/main/cuda/onecnn_cuda.h" "$tmp/"
(cd "$tmp" && "$clang" -x cuda --cuda-device-only --cuda-gpu-arch=sm_70 --cuda-path=/nonexistent \
    -nocudainc -nocudalib -O3 -ffp-contract=off -Wno-unknown-cuda-version -S -o onecnn.ptx onecnn.cu)
mkdir -p "$(dirname "$out")"
cp "$tmp/onecnn.ptx" "$out"
