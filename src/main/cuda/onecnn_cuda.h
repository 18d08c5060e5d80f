// onecnn_cuda.h: what onecnn's kernels (onecnn.cu) need from a CUDA compiler, spelled so that the one source
// compiles three ways:
//   1. clang's CUDA front end, device side only, without the CUDA toolkit (-nocudainc -nocudalib): the PTX that
//      onecnn ships (scripts/build-ptx.sh); no libdevice, so the kernels use no math library function (their
//      logarithm, sine and cosine are fdlibm's, written out in onecnn.cu);
//   2. nvcc, where the toolkit is present (its own headers);
//   3. a host C++ compiler (g++ -std=c++20), where a kernel is a plain function that a launcher runs once per
//      thread, one std::thread per thread of a block and a std::barrier for __syncthreads: how the tests run the very
//      same kernel code on a CPU (src/test/cuda/host_kernels.cpp).
// Floating-point contraction must be off in all three (-ffp-contract=off, nvcc -fmad=false): every fused
// multiply-add in the kernels is written as fma(), as the fused CPU engine writes it, so both get the same bits.
#ifndef ONECNN_CUDA_H
#define ONECNN_CUDA_H

typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

#if defined(__CUDA_ARCH__) && defined(__clang__) && !defined(__NVCC__)
// ---- clang, device side, no CUDA headers
#define ONECNN_KERNEL extern "C" __attribute__((global))
#define ONECNN_FN static __attribute__((device)) inline
#define ONECNN_TID_X ((int) __nvvm_read_ptx_sreg_tid_x())
#define ONECNN_BID_X ((int) __nvvm_read_ptx_sreg_ctaid_x())
#define ONECNN_BID_Y ((int) __nvvm_read_ptx_sreg_ctaid_y())
#define ONECNN_BDIM_X ((int) __nvvm_read_ptx_sreg_ntid_x())
#define ONECNN_SYNC() __nvvm_bar_sync(0)
#define ONECNN_DYN_SHARED(name) extern __attribute__((shared)) unsigned char name[]
#define ONECNN_FMA(a, b, c) __builtin_fma(a, b, c)
#define ONECNN_FMAF(a, b, c) __builtin_fmaf(a, b, c)
#define ONECNN_SQRT(x) __builtin_sqrt(x)
#define ONECNN_MEMCPY(d, s, n) __builtin_memcpy(d, s, n)
#define ONECNN_BOUNDS(threads, blocks) __attribute__((launch_bounds(threads, blocks)))

#elif defined(__CUDACC__)
// ---- nvcc
#define ONECNN_KERNEL extern "C" __global__
#define ONECNN_FN static __device__ inline
#define ONECNN_TID_X ((int) threadIdx.x)
#define ONECNN_BID_X ((int) blockIdx.x)
#define ONECNN_BID_Y ((int) blockIdx.y)
#define ONECNN_BDIM_X ((int) blockDim.x)
#define ONECNN_SYNC() __syncthreads()
#define ONECNN_DYN_SHARED(name) extern __shared__ unsigned char name[]
#define ONECNN_FMA(a, b, c) __fma_rn(a, b, c)
#define ONECNN_FMAF(a, b, c) __fmaf_rn(a, b, c)
#define ONECNN_SQRT(x) __dsqrt_rn(x)
#define ONECNN_MEMCPY(d, s, n) memcpy(d, s, n)
#define ONECNN_BOUNDS(threads, blocks) __launch_bounds__(threads, blocks)

#else
// ---- host C++: the launcher (onecnn_host_launch) sets these per thread
#include <cmath>
#include <cstring>
extern thread_local int onecnn_tid_x, onecnn_bid_x, onecnn_bid_y, onecnn_bdim_x;
extern thread_local unsigned char *onecnn_smem;
void onecnn_host_sync();
#define ONECNN_KERNEL extern "C"
#define ONECNN_FN static inline
#define ONECNN_TID_X onecnn_tid_x
#define ONECNN_BID_X onecnn_bid_x
#define ONECNN_BID_Y onecnn_bid_y
#define ONECNN_BDIM_X onecnn_bdim_x
#define ONECNN_SYNC() onecnn_host_sync()
#define ONECNN_DYN_SHARED(name) unsigned char *name = onecnn_smem
#define ONECNN_FMA(a, b, c) std::fma(a, b, c)
#define ONECNN_FMAF(a, b, c) std::fmaf(a, b, c)
#define ONECNN_SQRT(x) std::sqrt(x)
#define ONECNN_MEMCPY(d, s, n) std::memcpy(d, s, n)
#define ONECNN_BOUNDS(threads, blocks)
#endif

#endif
