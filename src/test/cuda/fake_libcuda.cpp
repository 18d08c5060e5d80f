// A stand-in for the NVIDIA driver's libcuda.so.1, for the tests: the driver-API entry points JCuda's
// libJCudaDriver calls for onecnn (JcudaDriver), with onecnn's kernels (src/main/cuda/onecnn.cu, the source of the
// PTX) compiled as host C++ and run on the CPU, as host_kernels.cpp runs them for HostCudaDriver. So the one class
// that talks to the real driver, JcudaDriver, and everything above it (doctor, the engine, a run) run without a GPU.
//
// Strict where a real driver is strict or unforgiving, so that a bug that a GPU would show shows here:
//   - every call but cuInit, the version and the device queries needs a context current on the calling thread
//     (cuCtxSetCurrent per thread), else CUDA_ERROR_INVALID_CONTEXT;
//   - cuInit first, else CUDA_ERROR_NOT_INITIALIZED;
//   - new device memory and a block's shared memory are filled with junk (0xA5), not zeros;
//   - a module's image must be NUL-terminated PTX text (".version", ".target", entries) no longer than 64 MiB;
//     a kernel is found only if the PTX has its .entry and the host build has it;
//   - launches: grid x ≤ 2^31 − 1, y and z ≤ 65535, block ≤ 1024 threads (z ≤ 64), not above the entry's
//     .maxntid, dynamic plus static shared memory ≤ 48 KiB; every pointer argument must point into a live
//     allocation (a freed buffer is CUDA_ERROR_ILLEGAL_ADDRESS);
//   - copies and memset within live allocations; freeing an unknown pointer is CUDA_ERROR_INVALID_VALUE.
// Kernels run at launch (the stream is synchronous); events time them.
//
// Build: g++ -std=c++20 -O1 -ffp-contract=off -pthread -shared -fPIC -I src/main/cuda -o libcuda.so.1 \
//        src/test/cuda/fake_libcuda.cpp
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "onecnn_cuda.h"

thread_local int onecnn_tid_x, onecnn_bid_x, onecnn_bid_y, onecnn_bdim_x;
thread_local unsigned char *onecnn_smem;
static thread_local std::barrier<> *onecnn_barrier;

void onecnn_host_sync() {
    if (onecnn_barrier == nullptr) {
        std::fputs("fake libcuda: __syncthreads in a kernel run without a barrier\n", stderr);
        std::abort();
    }
    onecnn_barrier->arrive_and_wait();
}

#include "onecnn.cu"

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
struct Ctx {
    int refs = 0;
};
struct Mod {
    std::map<std::string, int> maxntid;  // entry → its .maxntid product (0: none)
    std::map<std::string, int> shared;   // entry → static shared bytes
};
struct Fn {
    std::string name;
    int maxntid;
    int shared;
};
struct Ev {
    std::chrono::steady_clock::time_point at;
    bool recorded = false;
};

enum : int {
    SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, NO_DEVICE = 100, INVALID_DEVICE = 101,
    INVALID_IMAGE = 200, INVALID_CONTEXT = 201, INVALID_PTX = 218, INVALID_HANDLE = 400, NOT_FOUND = 500,
    NOT_READY = 600, ILLEGAL_ADDRESS = 700, LAUNCH_OUT_OF_RESOURCES = 701, LAUNCH_FAILED = 719, UNKNOWN = 999
};

namespace {

constexpr unsigned long long TOTAL = 80ULL << 30;  // an H100's memory, so the cuda-hopper profile fits
constexpr int SHARED_LIMIT = 48 * 1024;

std::mutex lock;
bool initialised = false;
Ctx primary;
thread_local Ctx *current = nullptr;
std::map<uintptr_t, size_t> live;  // address → bytes
unsigned long long used = 0;
std::map<Mod *, bool> modules;

bool hasContext() {
    return current == &primary && primary.refs > 0;
}

#define NEED_CONTEXT()                  \
    do {                                \
        if (!initialised) {             \
            return NOT_INITIALIZED;     \
        }                               \
        if (!hasContext()) {            \
            return INVALID_CONTEXT;     \
        }                               \
    } while (0)

// Whether [p, p + n) lies in one live allocation.
bool inside(uintptr_t p, size_t n) {
    auto it = live.upper_bound(p);
    if (it == live.begin()) {
        return false;
    }
    --it;
    return p >= it->first && p + n <= it->first + it->second;
}

struct Geometry {
    unsigned grid[3], block[3], shared;
};

// As host_kernels.cpp: block by block; a kernel that synchronises gets one std::thread per CUDA thread and a
// barrier, one that does not runs its threads in turn. Shared memory starts as junk.
void run(const Geometry &g, const std::function<void()> &body, bool sync) {
    if (g.grid[2] != 1 || g.block[1] != 1 || g.block[2] != 1) {
        throw std::runtime_error("the host launcher runs grids x·y of blocks x");
    }
    int threads = (int) g.block[0];
    for (unsigned by = 0; by < g.grid[1]; by++) {
        for (unsigned bx = 0; bx < g.grid[0]; bx++) {
            std::vector<unsigned char> smem(g.shared + 16, 0xA5);
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

// A kernel parameter as the driver reads it: kernelParams[i] points at the value; a pointer must point into a
// live allocation (or be null).
template <typename T>
T param(void **params, size_t i) {
    T v;
    std::memcpy(&v, params[i], sizeof(T));
    if constexpr (std::is_pointer_v<T>) {
        if (v != nullptr && !inside((uintptr_t) v, 1)) {
            throw std::invalid_argument("kernel argument " + std::to_string(i) + " is not device memory (freed?)");
        }
    }
    return v;
}

using Launcher = std::function<void(const Geometry &, void **)>;

template <typename... P, size_t... I>
void call(void (*f)(P...), bool sync, const Geometry &g, void **params, std::index_sequence<I...>) {
    auto args = std::make_tuple(param<P>(params, I)...);
    run(g, [&] { f(std::get<I>(args)...); }, sync);
}

template <typename... P>
Launcher wrap(void (*f)(P...), bool sync) {
    return [f, sync](const Geometry &g, void **params) { call(f, sync, g, params, std::index_sequence_for<P...>{}); };
}

const std::map<std::string, Launcher> &kernels() {
    static const std::map<std::string, Launcher> k = [] {
        std::map<std::string, Launcher> m;
#define K(name) m[#name] = wrap(&name, true)
#define S(name) m[#name] = wrap(&name, false)
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
        return m;
    }();
    return k;
}

void writeLog(char *buf, size_t size, const std::string &text) {
    if (buf != nullptr && size > 0) {
        size_t n = std::min(size - 1, text.size());
        std::memcpy(buf, text.data(), n);
        buf[n] = 0;
    }
}

}  // namespace

extern "C" {

CUresult cuInit(unsigned flags) {
    if (flags != 0) {
        return INVALID_VALUE;
    }
    std::lock_guard<std::mutex> g(lock);
    initialised = true;
    return SUCCESS;
}

CUresult cuDriverGetVersion(int *v) {
    if (v == nullptr) {
        return INVALID_VALUE;
    }
    *v = 13000;
    return SUCCESS;
}

CUresult cuDeviceGetCount(int *c) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    *c = 1;
    return SUCCESS;
}

CUresult cuDeviceGet(CUdevice *d, int ordinal) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    if (ordinal != 0) {
        return INVALID_DEVICE;
    }
    *d = 0;
    return SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    if (d != 0 || name == nullptr || len <= 0) {
        return d != 0 ? INVALID_DEVICE : INVALID_VALUE;
    }
    writeLog(name, (size_t) len, "onecnn stand-in libcuda (host C++)");
    return SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    if (d != 0) {
        return INVALID_DEVICE;
    }
    *bytes = TOTAL;
    return SUCCESS;
}

CUresult cuDeviceGetAttribute(int *v, int attribute, CUdevice d) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    if (d != 0) {
        return INVALID_DEVICE;
    }
    switch (attribute) {
        case 75: *v = 9; break;               // compute capability major
        case 76: *v = 0; break;               // minor
        case 16: *v = 1; break;               // multiprocessors
        case 8: *v = SHARED_LIMIT; break;     // max shared memory per block
        case 39: *v = 2048; break;            // max threads per multiprocessor
        case 1: *v = 1024; break;             // max threads per block
        default: return INVALID_VALUE;
    }
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(Ctx **ctx, CUdevice d) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    if (d != 0) {
        return INVALID_DEVICE;
    }
    std::lock_guard<std::mutex> g(lock);
    primary.refs++;
    *ctx = &primary;
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    if (d != 0) {
        return INVALID_DEVICE;
    }
    std::lock_guard<std::mutex> g(lock);
    if (primary.refs <= 0) {
        return INVALID_CONTEXT;
    }
    primary.refs--;
    return SUCCESS;
}

CUresult cuCtxSetCurrent(Ctx *ctx) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    if (ctx != nullptr && (ctx != &primary || primary.refs <= 0)) {
        return INVALID_CONTEXT;
    }
    current = ctx;
    return SUCCESS;
}

CUresult cuCtxGetCurrent(Ctx **ctx) {
    if (!initialised) {
        return NOT_INITIALIZED;
    }
    *ctx = current;
    return SUCCESS;
}

CUresult cuCtxSynchronize() {
    NEED_CONTEXT();
    return SUCCESS;
}

CUresult cuMemGetInfo_v2(size_t *free, size_t *total) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    *free = TOTAL - used;
    *total = TOTAL;
    return SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    NEED_CONTEXT();
    if (bytes == 0) {
        return INVALID_VALUE;
    }
    std::lock_guard<std::mutex> g(lock);
    if (used + bytes > TOTAL) {
        return OUT_OF_MEMORY;
    }
    void *m = std::malloc(bytes);
    if (m == nullptr) {
        return OUT_OF_MEMORY;
    }
    std::memset(m, 0xA5, bytes);  // junk, as a real allocation holds whatever was there
    live[(uintptr_t) m] = bytes;
    used += bytes;
    *p = (CUdeviceptr) (uintptr_t) m;
    return SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr p) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    auto it = live.find((uintptr_t) p);
    if (it == live.end()) {
        return INVALID_VALUE;
    }
    used -= it->second;
    // poison before giving it back: a kernel reading it later would read junk, not the old values
    std::memset((void *) it->first, 0x5A, it->second);
    std::free((void *) it->first);
    live.erase(it);
    return SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    if (!inside((uintptr_t) dst, n) || (n > 0 && src == nullptr)) {
        return INVALID_VALUE;
    }
    std::memcpy((void *) (uintptr_t) dst, src, n);
    return SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    if (!inside((uintptr_t) src, n) || (n > 0 && dst == nullptr)) {
        return INVALID_VALUE;
    }
    std::memcpy(dst, (const void *) (uintptr_t) src, n);
    return SUCCESS;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    if (!inside((uintptr_t) dst, n) || !inside((uintptr_t) src, n)) {
        return INVALID_VALUE;
    }
    std::memmove((void *) (uintptr_t) dst, (const void *) (uintptr_t) src, n);
    return SUCCESS;
}

CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t n) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    if (!inside((uintptr_t) dst, n)) {
        return INVALID_VALUE;
    }
    std::memset((void *) (uintptr_t) dst, value, n);
    return SUCCESS;
}

// options: CU_JIT_INFO_LOG_BUFFER 3, its size 4, CU_JIT_ERROR_LOG_BUFFER 5, its size 6 (values: void*)
CUresult cuModuleLoadDataEx(Mod **module, const void *image, unsigned n, int *options, void **values) {
    NEED_CONTEXT();
    char *errorLog = nullptr;
    size_t errorSize = 0;
    char *infoLog = nullptr;
    size_t infoSize = 0;
    for (unsigned i = 0; i < n; i++) {
        switch (options[i]) {
            case 3: infoLog = (char *) values[i]; break;
            case 4: infoSize = (size_t) (uintptr_t) values[i]; break;
            case 5: errorLog = (char *) values[i]; break;
            case 6: errorSize = (size_t) (uintptr_t) values[i]; break;
            default: break;
        }
    }
    const char *text = (const char *) image;
    size_t len = strnlen(text, 64u << 20);
    if (len == (64u << 20)) {
        writeLog(errorLog, errorSize, "fake libcuda: the PTX is not NUL-terminated within 64 MiB");
        return INVALID_IMAGE;
    }
    std::string ptx(text, len);
    if (ptx.find(".version") == std::string::npos || ptx.find(".target") == std::string::npos) {
        writeLog(errorLog, errorSize, "ptxas fatal   : not PTX (no .version / .target)");
        return INVALID_PTX;
    }
    auto *m = new Mod();
    std::regex entry(R"(\.entry\s+([A-Za-z_][A-Za-z0-9_]*)\s*\()");
    for (auto it = std::sregex_iterator(ptx.begin(), ptx.end(), entry); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1];
        size_t body = ptx.find("\n{", it->position(0));
        std::string head = ptx.substr(it->position(0), body == std::string::npos ? 0 : body - it->position(0));
        std::smatch nt;
        int maxntid = 0;
        if (std::regex_search(head, nt, std::regex(R"(\.maxntid\s+(\d+)(?:,\s*(\d+))?(?:,\s*(\d+))?)"))) {
            maxntid = std::stoi(nt[1]) * (nt[2].matched ? std::stoi(nt[2]) : 1) * (nt[3].matched ? std::stoi(nt[3]) : 1);
        }
        int shared = 0;
        size_t end = ptx.find("\n}", body == std::string::npos ? 0 : body);
        std::string b = body == std::string::npos ? "" : ptx.substr(body, end - body);
        std::regex sh(R"(\.shared\s+(?:\.align\s+\d+\s+)?\.b8\s+[A-Za-z_$][\w$]*\[(\d+)\])");
        for (auto s = std::sregex_iterator(b.begin(), b.end(), sh); s != std::sregex_iterator(); ++s) {
            shared += std::stoi((*s)[1]);
        }
        m->maxntid[name] = maxntid;
        m->shared[name] = shared;
    }
    if (m->maxntid.empty()) {
        delete m;
        writeLog(errorLog, errorSize, "ptxas fatal   : the PTX has no .entry");
        return INVALID_PTX;
    }
    writeLog(infoLog, infoSize, "fake libcuda: " + std::to_string(m->maxntid.size()) + " entries");
    std::lock_guard<std::mutex> g(lock);
    modules[m] = true;
    *module = m;
    return SUCCESS;
}

CUresult cuModuleLoadData(Mod **module, const void *image) {
    return cuModuleLoadDataEx(module, image, 0, nullptr, nullptr);
}

CUresult cuModuleUnload(Mod *m) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    if (modules.erase(m) == 0) {
        return INVALID_HANDLE;
    }
    delete m;
    return SUCCESS;
}

CUresult cuModuleGetFunction(Fn **f, Mod *m, const char *name) {
    NEED_CONTEXT();
    std::lock_guard<std::mutex> g(lock);
    if (modules.count(m) == 0) {
        return INVALID_HANDLE;
    }
    auto it = m->maxntid.find(name);
    if (it == m->maxntid.end() || kernels().count(name) == 0) {
        return NOT_FOUND;
    }
    *f = new Fn{name, it->second, m->shared[name]};
    return SUCCESS;
}

// CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK 0, SHARED_SIZE_BYTES 1, LOCAL_SIZE_BYTES 3
CUresult cuFuncGetAttribute(int *v, int attribute, Fn *f) {
    NEED_CONTEXT();
    if (f == nullptr) {
        return INVALID_HANDLE;
    }
    switch (attribute) {
        case 0: *v = f->maxntid > 0 ? f->maxntid : 1024; break;
        case 1: *v = f->shared; break;
        case 3: *v = 0; break;
        default: return INVALID_VALUE;
    }
    return SUCCESS;
}

CUresult cuLaunchKernel(Fn *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
        unsigned shared, void *stream, void **params, void **extra) {
    NEED_CONTEXT();
    if (f == nullptr) {
        return INVALID_HANDLE;
    }
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || gx > 2147483647u || gy > 65535
            || gz > 65535 || bx > 1024 || by > 1024 || bz > 64 || (unsigned long long) bx * by * bz > 1024
            || params == nullptr || extra != nullptr || stream != nullptr) {
        return INVALID_VALUE;
    }
    if (f->maxntid > 0 && (long long) bx * by * bz > f->maxntid) {
        return INVALID_VALUE;  // the entry's .maxntid: a real driver refuses the launch
    }
    if ((long long) shared + f->shared > SHARED_LIMIT) {
        return INVALID_VALUE;
    }
    Geometry g{{gx, gy, gz}, {bx, by, bz}, shared};
    try {
        kernels().at(f->name)(g, params);
    } catch (const std::invalid_argument &e) {
        std::fprintf(stderr, "fake libcuda: %s: %s\n", f->name.c_str(), e.what());
        return ILLEGAL_ADDRESS;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fake libcuda: %s: %s\n", f->name.c_str(), e.what());
        return LAUNCH_FAILED;
    }
    return SUCCESS;
}

CUresult cuEventCreate(Ev **e, unsigned flags) {
    NEED_CONTEXT();
    *e = new Ev();
    return SUCCESS;
}

CUresult cuEventRecord(Ev *e, void *stream) {
    NEED_CONTEXT();
    if (e == nullptr) {
        return INVALID_HANDLE;
    }
    e->at = std::chrono::steady_clock::now();
    e->recorded = true;
    return SUCCESS;
}

CUresult cuEventSynchronize(Ev *e) {
    NEED_CONTEXT();
    return e == nullptr ? INVALID_HANDLE : SUCCESS;
}

CUresult cuEventElapsedTime(float *ms, Ev *a, Ev *b) {
    NEED_CONTEXT();
    if (a == nullptr || b == nullptr) {
        return INVALID_HANDLE;
    }
    if (!a->recorded || !b->recorded) {
        return NOT_READY;
    }
    *ms = std::chrono::duration<float, std::milli>(b->at - a->at).count();
    return SUCCESS;
}

CUresult cuEventDestroy_v2(Ev *e) {
    NEED_CONTEXT();
    delete e;
    return SUCCESS;
}

CUresult cuGetErrorName(int error, const char **name) {
    static const char *unknown = "CUDA_ERROR_UNKNOWN";
    *name = unknown;
    return SUCCESS;
}

}  // extern "C"
