// The "device" of the tests: onecnn's kernels (src/main/cuda/onecnn.cu, the very source the PTX is made of) compiled
// as host C++, served over stdin/stdout to HostCudaDriver (src/test/java/.../cuda/HostCudaDriver.java), which
// implements CudaDriver with it. A kernel launch runs every block of the grid in turn, one std::thread per thread of
// the block, __syncthreads a std::barrier; device memory is host memory. So the cuda engine's Java code and its
// kernels run end to end on a CPU, and the tests compare them with the fused engine and CounterSamples.
//
// Build: g++ -std=c++20 -O1 -ffp-contract=off -pthread -o host_kernels host_kernels.cpp
//
// Protocol (little-endian): one opcode byte, then its operands; every reply starts with a status byte (0 ok, 1 error
// followed by a u32 length and a message).
//   'A' u64 bytes                      -> u64 handle          alloc
//   'F' u64 handle                                            free
//   'W' u64 handle u64 offset u64 n, n bytes                  host to device
//   'R' u64 handle u64 offset u64 n    -> n bytes             device to host
//   'D' u64 dst u64 dstOff u64 src u64 srcOff u64 n           device to device
//   'Z' u64 handle                                            zero
//   'L' u32 nameLen name, 7 × u32 (grid xyz, block xyz, shared), u32 nargs, nargs × (u8 kind, u64 value)
//                                                            launch (kind 0 int, 1 long, 2 float, 3 double, 4 buffer)
//   'Q'                                                       quit
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "onecnn_cuda.h"

thread_local int onecnn_tid_x, onecnn_bid_x, onecnn_bid_y, onecnn_bdim_x;
thread_local unsigned char *onecnn_smem;
static thread_local std::barrier<> *onecnn_barrier;

void onecnn_host_sync() {
    if (onecnn_barrier == nullptr) {
        // a kernel registered as not synchronising (S in kernels()) called __syncthreads
        std::fputs("host_kernels: __syncthreads in a kernel run without a barrier\n", stderr);
        std::abort();
    }
    onecnn_barrier->arrive_and_wait();
}

#include "onecnn.cu"

namespace {

struct Arg {
    uint8_t kind;
    uint64_t value;
};

std::vector<std::unique_ptr<unsigned char[]>> buffers;
std::vector<uint64_t> sizes;

unsigned char *buffer(uint64_t h) {
    if (h >= buffers.size() || !buffers[h]) {
        throw std::runtime_error("no buffer " + std::to_string(h));
    }
    return buffers[h].get();
}

template <typename T>
T convert(const Arg &a) {
    if constexpr (std::is_pointer_v<T>) {
        if (a.kind != 4) {
            throw std::runtime_error("argument is not a buffer");
        }
        return reinterpret_cast<T>(buffer(a.value));
    } else if constexpr (std::is_same_v<T, float>) {
        if (a.kind != 2) {
            throw std::runtime_error("argument is not a float");
        }
        uint32_t b = (uint32_t) a.value;
        float f;
        std::memcpy(&f, &b, 4);
        return f;
    } else if constexpr (std::is_same_v<T, double>) {
        if (a.kind != 3) {
            throw std::runtime_error("argument is not a double");
        }
        double d;
        std::memcpy(&d, &a.value, 8);
        return d;
    } else if constexpr (sizeof(T) == 8) {
        if (a.kind != 1) {
            throw std::runtime_error("argument is not a long");
        }
        return (T) a.value;
    } else {
        if (a.kind != 0) {
            throw std::runtime_error("argument is not an int");
        }
        return (T) (uint32_t) a.value;
    }
}

struct Geometry {
    uint32_t grid[3], block[3], shared;
};

// Runs the grid block by block. A kernel that synchronises (sync) gets one std::thread per CUDA thread and a
// std::barrier; one that does not (no __syncthreads, no shared memory: each thread's work is its own) runs its
// threads one after the other on the calling thread, the same results at a fraction of the cost.
void run(const Geometry &g, const std::function<void()> &body, bool sync) {
    if (g.grid[2] != 1 || g.block[1] != 1 || g.block[2] != 1) {
        throw std::runtime_error("the host launcher runs grids x·y of blocks x");
    }
    int threads = (int) g.block[0];
    for (uint32_t by = 0; by < g.grid[1]; by++) {
        for (uint32_t bx = 0; bx < g.grid[0]; bx++) {
            std::vector<unsigned char> smem(g.shared + 16);
            if (!sync) {
                for (int t = 0; t < threads; t++) {
                    onecnn_tid_x = t;
                    onecnn_bid_x = (int) bx;
                    onecnn_bid_y = (int) by;
                    onecnn_bdim_x = threads;
                    onecnn_smem = smem.data();
                    onecnn_barrier = nullptr;
                    body();
                }
                continue;
            }
            std::barrier<> bar(threads);
            std::vector<std::thread> ts;
            for (int t = 0; t < threads; t++) {
                ts.emplace_back([&, t] {
                    onecnn_tid_x = t;
                    onecnn_bid_x = (int) bx;
                    onecnn_bid_y = (int) by;
                    onecnn_bdim_x = threads;
                    onecnn_smem = smem.data();
                    onecnn_barrier = &bar;
                    body();
                });
            }
            for (auto &t : ts) {
                t.join();
            }
        }
    }
}

using Launcher = std::function<void(const Geometry &, const std::vector<Arg> &)>;

template <typename... P, size_t... I>
void call(void (*f)(P...), bool sync, const Geometry &g, const std::vector<Arg> &a, std::index_sequence<I...>) {
    if (a.size() != sizeof...(P)) {
        throw std::runtime_error("wrong argument count " + std::to_string(a.size()) + ", kernel takes "
                + std::to_string(sizeof...(P)));
    }
    auto args = std::make_tuple(convert<P>(a[I])...);
    run(g, [&] { f(std::get<I>(args)...); }, sync);
}

template <typename... P>
Launcher wrap(void (*f)(P...), bool sync) {
    return [f, sync](const Geometry &g, const std::vector<Arg> &a) {
        call(f, sync, g, a, std::index_sequence_for<P...>{});
    };
}

std::map<std::string, Launcher> kernels() {
    std::map<std::string, Launcher> k;
    // K: the kernel synchronises its block (the gradient kernels); S: it does not
#define K(name) k[#name] = wrap(&name, true)
#define S(name) k[#name] = wrap(&name, false)
    S(onecnn_philox);
    S(onecnn_gen_d);
    S(onecnn_gen_f);
    S(onecnn_prepare_f);
    S(onecnn_prepare_d);
    K(onecnn_grad_f);
    K(onecnn_grad_d);
    K(onecnn_grad_6x25_f);
    K(onecnn_grad_6x25_f_mb3);
    K(onecnn_grad_6x25_f_mb4);
    K(onecnn_grad_6x25_d);
    K(onecnn_grad_4x4_f);
    K(onecnn_grad_4x4_d);
    S(onecnn_reduce_f);
    S(onecnn_reduce_d);
    S(onecnn_update_f);
    S(onecnn_update_d);
    S(onecnn_probe);
    S(onecnn_fdlibm);
#undef K
#undef S
    return k;
}

void readFully(void *p, size_t n) {
    if (n > 0 && std::fread(p, 1, n, stdin) != n) {
        std::exit(0);
    }
}

template <typename T>
T rd() {
    T v;
    readFully(&v, sizeof v);
    return v;
}

void ok() {
    std::fputc(0, stdout);
}

void fail(const std::string &m) {
    std::fputc(1, stdout);
    uint32_t n = (uint32_t) m.size();
    std::fwrite(&n, 4, 1, stdout);
    std::fwrite(m.data(), 1, n, stdout);
}

void check(uint64_t h, uint64_t off, uint64_t n) {
    buffer(h);
    if (off + n > sizes[h]) {
        throw std::runtime_error("access outside a buffer of " + std::to_string(sizes[h]) + " bytes");
    }
}

}  // namespace

int main() {
    auto table = kernels();
    for (;;) {
        int op = std::fgetc(stdin);
        if (op == EOF || op == 'Q') {
            return 0;
        }
        try {
            switch (op) {
                case 'A': {
                    uint64_t n = rd<uint64_t>();
                    buffers.emplace_back(new unsigned char[n + 16]());
                    sizes.push_back(n);
                    ok();
                    uint64_t h = buffers.size() - 1;
                    std::fwrite(&h, 8, 1, stdout);
                    break;
                }
                case 'F': {
                    uint64_t h = rd<uint64_t>();
                    buffer(h);
                    buffers[h].reset();
                    ok();
                    break;
                }
                case 'W': {
                    uint64_t h = rd<uint64_t>(), off = rd<uint64_t>(), n = rd<uint64_t>();
                    std::vector<unsigned char> data(n);
                    readFully(data.data(), n);
                    check(h, off, n);
                    std::memcpy(buffer(h) + off, data.data(), n);
                    ok();
                    break;
                }
                case 'R': {
                    uint64_t h = rd<uint64_t>(), off = rd<uint64_t>(), n = rd<uint64_t>();
                    check(h, off, n);
                    ok();
                    std::fwrite(buffer(h) + off, 1, n, stdout);
                    break;
                }
                case 'D': {
                    uint64_t d = rd<uint64_t>(), doff = rd<uint64_t>(), s = rd<uint64_t>(), soff = rd<uint64_t>(),
                             n = rd<uint64_t>();
                    check(d, doff, n);
                    check(s, soff, n);
                    std::memmove(buffer(d) + doff, buffer(s) + soff, n);
                    ok();
                    break;
                }
                case 'Z': {
                    uint64_t h = rd<uint64_t>();
                    std::memset(buffer(h), 0, sizes[h]);
                    ok();
                    break;
                }
                case 'L': {
                    uint32_t len = rd<uint32_t>();
                    std::string name(len, '\0');
                    readFully(name.data(), len);
                    Geometry g;
                    for (auto &v : g.grid) v = rd<uint32_t>();
                    for (auto &v : g.block) v = rd<uint32_t>();
                    g.shared = rd<uint32_t>();
                    uint32_t nargs = rd<uint32_t>();
                    std::vector<Arg> args(nargs);
                    for (auto &a : args) {
                        a.kind = rd<uint8_t>();
                        a.value = rd<uint64_t>();
                    }
                    auto it = table.find(name);
                    if (it == table.end()) {
                        throw std::runtime_error("no kernel " + name);
                    }
                    it->second(g, args);
                    ok();
                    break;
                }
                default:
                    throw std::runtime_error("unknown opcode " + std::to_string(op));
            }
        } catch (const std::exception &e) {
            fail(e.what());
        }
        std::fflush(stdout);
    }
}
