// onecnn's CUDA kernels: the cuda engine (org.onecnn.empirical.cuda) launches them through the driver API from the
// PTX that scripts/build-ptx.sh makes of this file (committed as src/main/resources/cuda/onecnn.ptx). The same
// file compiles as host C++ (onecnn_cuda.h), which is how the tests check it on a CPU against the fused engine
// and CounterSamples.
//
// Every kernel mirrors a piece of the fused CPU engine (org.onecnn.empirical.fused) operation for operation: the
// same products, the same fused multiply-adds (written as fma: contraction is off), the same summation order.
// So a float or double run gives the fused engine's bits, not values near them; and no kernel uses atomics, so a
// rerun gives the same bits.
//
// Layouts (S = the student stride, the students rounded up to a multiple of the block size; slot i of a [rows][S]
// array is column i): v, wk [r][S]; a [k][S]; norm [S]; wd [r][S] (double); partial sums of sample block sb:
// pg [sb][r][S], pga [sb][k][S], ploss [sb][S] (double); reduced sums gv [r][S], ga [k][S], lsum [S] (double);
// samples x [n][d] row-major, y [n].
#include "onecnn_cuda.h"

// ============================================================================ Philox4x32-10 and uniforms
// (org.onecnn.util.Philox4x32: the same rounds, multipliers and Weyl constants)

ONECNN_FN void philox4x32_10(u32 k0, u32 k1, u32 c[4]) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        u64 p0 = (u64) 0xD2511F53u * c[0];
        u64 p1 = (u64) 0xCD9E8D57u * c[2];
        u32 n0 = (u32) (p1 >> 32) ^ c[1] ^ k0;
        u32 n1 = (u32) p1;
        u32 n2 = (u32) (p0 >> 32) ^ c[3] ^ k1;
        u32 n3 = (u32) p0;
        c[0] = n0;
        c[1] = n1;
        c[2] = n2;
        c[3] = n3;
    }
}

// The top 53 bits of hi·2³² + lo, times 2⁻⁵³ (Philox4x32.uniform): exact.
ONECNN_FN double uniform53(u32 lo, u32 hi) {
    u64 bits = ((u64) hi << 32) | lo;
    return (double) (bits >> 11) * 0x1.0p-53;
}

// ============================================================================ fdlibm (StrictMath) in double
// Java's StrictMath.log, sin and cos are fdlibm 5.3; these are its algorithms transliterated (from the JDK's
// java.lang.FdLibm), so with contraction off they give StrictMath's bits. sin/cos take the reduction paths for
// |x| <= 2^19·π/2 only (the Box–Muller angle lies in [0, 2π)); larger arguments return NaN.

ONECNN_FN u64 dbits(double x) {
    u64 b;
    ONECNN_MEMCPY(&b, &x, 8);
    return b;
}

ONECNN_FN double fromBits(u64 b) {
    double x;
    ONECNN_MEMCPY(&x, &b, 8);
    return x;
}

ONECNN_FN int hiWord(double x) {
    return (int) (dbits(x) >> 32);
}

ONECNN_FN int loWord(double x) {
    return (int) (u32) dbits(x);
}

ONECNN_FN double withHi(double x, int hi) {
    return fromBits(((u64) (u32) hi << 32) | (dbits(x) & 0xFFFFFFFFull));
}

ONECNN_FN double fromWords(int hi, int lo) {
    return fromBits(((u64) (u32) hi << 32) | (u32) lo);
}

ONECNN_FN double fdlibm_log(double x) {
    const double ln2_hi = 0x1.62e42feep-1, ln2_lo = 0x1.a39ef35793c76p-33, two54 = 0x1.0p54;
    const double Lg1 = 0x1.5555555555593p-1, Lg2 = 0x1.999999997fa04p-2, Lg3 = 0x1.2492494229359p-2,
            Lg4 = 0x1.c71c51d8e78afp-3, Lg5 = 0x1.7466496cb03dep-3, Lg6 = 0x1.39a09d078c69fp-3,
            Lg7 = 0x1.2f112df3e5244p-3;
    double hfsq, f, s, z, R, w, t1, t2, dk;
    int k, hx, i, j, lx;
    hx = hiWord(x);
    lx = loWord(x);
    k = 0;
    if (hx < 0x00100000) {
        if (((hx & 0x7fffffff) | lx) == 0) {
            return -two54 / 0.0;
        }
        if (hx < 0) {
            return (x - x) / 0.0;
        }
        k -= 54;
        x *= two54;
        hx = hiWord(x);
    }
    if (hx >= 0x7ff00000) {
        return x + x;
    }
    k += (hx >> 20) - 1023;
    hx &= 0x000fffff;
    i = (hx + 0x95f64) & 0x100000;
    x = withHi(x, hx | (i ^ 0x3ff00000));
    k += (i >> 20);
    f = x - 1.0;
    if ((0x000fffff & (2 + hx)) < 3) {
        if (f == 0.0) {
            if (k == 0) {
                return 0.0;
            }
            dk = (double) k;
            return dk * ln2_hi + dk * ln2_lo;
        }
        R = f * f * (0.5 - 0.33333333333333333 * f);
        if (k == 0) {
            return f - R;
        }
        dk = (double) k;
        return dk * ln2_hi - ((R - dk * ln2_lo) - f);
    }
    s = f / (2.0 + f);
    dk = (double) k;
    z = s * s;
    i = hx - 0x6147a;
    w = z * z;
    j = 0x6b851 - hx;
    t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    i |= j;
    R = t2 + t1;
    if (i > 0) {
        hfsq = 0.5 * f * f;
        if (k == 0) {
            return f - (hfsq - s * (hfsq + R));
        }
        return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
    }
    if (k == 0) {
        return f - s * (f - R);
    }
    return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

ONECNN_FN double kernel_sin(double x, double y, int iy) {
    const double S1 = -0x1.5555555555549p-3, S2 = 0x1.111111110f8a6p-7, S3 = -0x1.a01a019c161d5p-13,
            S4 = 0x1.71de357b1fe7dp-19, S5 = -0x1.ae5e68a2b9cebp-26, S6 = 0x1.5d93a5acfd57cp-33;
    int ix = hiWord(x) & 0x7fffffff;
    if (ix < 0x3e400000) {
        if ((int) x == 0) {
            return x;
        }
    }
    double z = x * x;
    double v = z * x;
    double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    if (iy == 0) {
        return x + v * (S1 + z * r);
    }
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

ONECNN_FN double kernel_cos(double x, double y) {
    const double C1 = 0x1.555555555554cp-5, C2 = -0x1.6c16c16c15177p-10, C3 = 0x1.a01a019cb159p-16,
            C4 = -0x1.27e4f809c52adp-22, C5 = 0x1.1ee9ebdb4b1c4p-29, C6 = -0x1.8fae9be8838d4p-37;
    double a, hz, z, r, qx;
    int ix = hiWord(x) & 0x7fffffff;
    if (ix < 0x3e400000) {
        if (((int) x) == 0) {
            return 1.0;
        }
    }
    z = x * x;
    r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    if (ix < 0x3FD33333) {
        return 1.0 - (0.5 * z - (z * r - x * y));
    }
    if (ix > 0x3fe90000) {
        qx = 0.28125;
    } else {
        qx = fromWords(ix - 0x00200000, 0);
    }
    hz = 0.5 * z - qx;
    a = 1.0 - qx;
    return a - (hz - (z * r - x * y));
}

// x − n·π/2 as y0 + y1, |x| <= 2^19·π/2 (fdlibm's __ieee754_rem_pio2 without its large-argument path).
ONECNN_FN int rem_pio2(double x, double *y) {
    const double invpio2 = 0x1.45f306dc9c883p-1, pio2_1 = 0x1.921fb544p0, pio2_1t = 0x1.0b4611a626331p-34,
            pio2_2 = 0x1.0b4611a6p-34, pio2_2t = 0x1.3198a2e037073p-69, pio2_3 = 0x1.3198a2ep-69,
            pio2_3t = 0x1.b839a252049c1p-104;
    const int npio2_hw[32] = {
        0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB, 0x402921FB,
        0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB,
        0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
        0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
    };
    double z, w, t, r, fn;
    int i, j, n, ix, hx;
    hx = hiWord(x);
    ix = hx & 0x7fffffff;
    if (ix <= 0x3fe921fb) {
        y[0] = x;
        y[1] = 0;
        return 0;
    }
    if (ix < 0x4002d97c) {
        if (hx > 0) {
            z = x - pio2_1;
            if (ix != 0x3ff921fb) {
                y[0] = z - pio2_1t;
                y[1] = (z - y[0]) - pio2_1t;
            } else {
                z -= pio2_2;
                y[0] = z - pio2_2t;
                y[1] = (z - y[0]) - pio2_2t;
            }
            return 1;
        }
        z = x + pio2_1;
        if (ix != 0x3ff921fb) {
            y[0] = z + pio2_1t;
            y[1] = (z - y[0]) + pio2_1t;
        } else {
            z += pio2_2;
            y[0] = z + pio2_2t;
            y[1] = (z - y[0]) + pio2_2t;
        }
        return -1;
    }
    if (ix <= 0x413921fb) {
        t = x < 0 ? -x : x;
        n = (int) (t * invpio2 + 0.5);
        fn = (double) n;
        r = t - fn * pio2_1;
        w = fn * pio2_1t;
        if (n < 32 && ix != npio2_hw[n - 1]) {
            y[0] = r - w;
        } else {
            j = ix >> 20;
            y[0] = r - w;
            i = j - (((hiWord(y[0])) >> 20) & 0x7ff);
            if (i > 16) {
                t = r;
                w = fn * pio2_2;
                r = t - w;
                w = fn * pio2_2t - ((t - r) - w);
                y[0] = r - w;
                i = j - (((hiWord(y[0])) >> 20) & 0x7ff);
                if (i > 49) {
                    t = r;
                    w = fn * pio2_3;
                    r = t - w;
                    w = fn * pio2_3t - ((t - r) - w);
                    y[0] = r - w;
                }
            }
        }
        y[1] = (r - y[0]) - w;
        if (hx < 0) {
            y[0] = -y[0];
            y[1] = -y[1];
            return -n;
        }
        return n;
    }
    y[0] = y[1] = 0.0 / 0.0;
    return 0;
}

ONECNN_FN double fdlibm_sin(double x) {
    int ix = hiWord(x) & 0x7fffffff;
    if (ix <= 0x3fe921fb) {
        return kernel_sin(x, 0.0, 0);
    }
    if (ix >= 0x7ff00000) {
        return x - x;
    }
    double y[2];
    int n = rem_pio2(x, y);
    switch (n & 3) {
        case 0: return kernel_sin(y[0], y[1], 1);
        case 1: return kernel_cos(y[0], y[1]);
        case 2: return -kernel_sin(y[0], y[1], 1);
        default: return -kernel_cos(y[0], y[1]);
    }
}

ONECNN_FN double fdlibm_cos(double x) {
    int ix = hiWord(x) & 0x7fffffff;
    if (ix <= 0x3fe921fb) {
        return kernel_cos(x, 0.0);
    }
    if (ix >= 0x7ff00000) {
        return x - x;
    }
    double y[2];
    int n = rem_pio2(x, y);
    switch (n & 3) {
        case 0: return kernel_cos(y[0], y[1]);
        case 1: return -kernel_sin(y[0], y[1], 1);
        case 2: return -kernel_cos(y[0], y[1]);
        default: return kernel_sin(y[0], y[1], 1);
    }
}

// ============================================================================ samples (CounterSamples)

// The input distributions' codes (the engine passes them): InputDistribution.pair of each.
#define ONECNN_GAUSSIAN 0
#define ONECNN_UNIFORM 1
#define ONECNN_RADEMACHER 2

// Gaussian.pair: ρ = √(−2 ln(1 − u1)), θ = 2π·u2, (ρ cos θ, ρ sin θ).
ONECNN_FN void gaussianPair(double u1, double u2, double *out) {
    const double PI = 0x1.921fb54442d18p1;
    double rho = ONECNN_SQRT(-2.0 * fdlibm_log(1.0 - u1));
    double theta = 2.0 * PI * u2;
    out[0] = rho * fdlibm_cos(theta);
    out[1] = rho * fdlibm_sin(theta);
}

ONECNN_FN void distPair(int dist, double u1, double u2, double *out) {
    if (dist == ONECNN_GAUSSIAN) {
        gaussianPair(u1, u2, out);
    } else if (dist == ONECNN_UNIFORM) {
        const double halfWidth = 0x1.bb67ae8584caap0;  // Math.sqrt(3.0), correctly rounded
        out[0] = halfWidth * (2.0 * u1 - 1.0);
        out[1] = halfWidth * (2.0 * u2 - 1.0);
    } else {
        out[0] = u1 < 0.5 ? -1.0 : 1.0;
        out[1] = u2 < 0.5 ? -1.0 : 1.0;
    }
}

// Raw Philox blocks (the tests' known-answer vectors): block i of counters[4i … 4i+3] into out[4i … 4i+3].
ONECNN_KERNEL void onecnn_philox(u32 k0, u32 k1, const u32 *counters, u32 *out, int count) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i >= count) {
        return;
    }
    u32 c[4] = {counters[4 * i], counters[4 * i + 1], counters[4 * i + 2], counters[4 * i + 3]};
    philox4x32_10(k0, k1, c);
    for (int w = 0; w < 4; w++) {
        out[4 * i + w] = c[w];
    }
}

// Samples row0 … row0 + rows − 1 of the batch of step (tLo, tHi) with key (k0, k1), one thread per sample, as
// CounterSamples.fill: x in double into xd [rows][d], the label (teacher in double, patch order, plus noise) into
// yd; teacher = w*[r] then a*[k].
ONECNN_FN void genRow(u32 k0, u32 k1, u32 tLo, u32 tHi, int m, int d, int dist, double noise, const double *teacher,
        int r, int s, int k, double alpha, double *xr, double *label) {
    int pairs = (d + 1) / 2;
    double two[2];
    for (int j = 0; j < pairs; j++) {
        u32 c[4] = {(u32) j, (u32) m, tLo, tHi};
        philox4x32_10(k0, k1, c);
        distPair(dist, uniform53(c[0], c[1]), uniform53(c[2], c[3]), two);
        xr[2 * j] = two[0];
        if (2 * j + 1 < d) {
            xr[2 * j + 1] = two[1];
        }
    }
    double f = 0;
    for (int i = 0; i < k; i++) {
        double z = 0;
        for (int b = 0; b < r; b++) {
            z += teacher[b] * xr[i * s + b];
        }
        f += teacher[r + i] * (z > 0 ? z : alpha * z);
    }
    if (noise > 0) {
        u32 c[4] = {(u32) pairs, (u32) m, tLo, tHi};
        philox4x32_10(k0, k1, c);
        gaussianPair(uniform53(c[0], c[1]), uniform53(c[2], c[3]), two);
        f += noise * two[0];
    }
    *label = f;
}

ONECNN_KERNEL void onecnn_gen_d(u32 k0, u32 k1, u32 tLo, u32 tHi, int row0, int rows, int d, int dist,
        double noise, const double *teacher, int r, int s, int k, double alpha, double *x, double *y) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i >= rows) {
        return;
    }
    genRow(k0, k1, tLo, tHi, row0 + i, d, dist, noise, teacher, r, s, k, alpha, x + (i64) i * d, y + i);
}

// The float batch is the double batch rounded to float (labels from the double inputs); xd: [rows][d] scratch.
ONECNN_KERNEL void onecnn_gen_f(u32 k0, u32 k1, u32 tLo, u32 tHi, int row0, int rows, int d, int dist,
        double noise, const double *teacher, int r, int s, int k, double alpha, double *xd, float *x, float *y) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i >= rows) {
        return;
    }
    double *xr = xd + (i64) i * d;
    double label;
    genRow(k0, k1, tLo, tHi, row0 + i, d, dist, noise, teacher, r, s, k, alpha, xr, &label);
    y[i] = (float) label;
    for (int c = 0; c < d; c++) {
        x[(i64) i * d + c] = (float) xr[c];
    }
}

// ============================================================================ the gradient pass

// w = v/‖v‖ per student, ‖v‖ in double (FusedEnsemble.prepareFilters); wk: w rounded to the data type.
template <typename T>
ONECNN_FN void prepare(const T *v, int S, int students, int r, double *norm, double *wd, T *wk) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i >= students) {
        return;
    }
    double q2 = 0;
    for (int q = 0; q < r; q++) {
        double e = v[(i64) q * S + i];
        q2 += e * e;
    }
    double nv = ONECNN_SQRT(q2);
    norm[i] = nv;
    for (int q = 0; q < r; q++) {
        double w = v[(i64) q * S + i] / nv;
        wd[(i64) q * S + i] = w;
        wk[(i64) q * S + i] = (T) w;
    }
}

ONECNN_KERNEL void onecnn_prepare_f(const float *v, int S, int students, int r, double *norm, double *wd, float *wk) {
    prepare<float>(v, S, students, r, norm, wd, wk);
}

ONECNN_KERNEL void onecnn_prepare_d(const double *v, int S, int students, int r, double *norm, double *wd,
        double *wk) {
    prepare<double>(v, S, students, r, norm, wd, wk);
}

ONECNN_FN float fmaT(float a, float b, float c) {
    return ONECNN_FMAF(a, b, c);
}

ONECNN_FN double fmaT(double a, double b, double c) {
    return ONECNN_FMA(a, b, c);
}

// Load the samples [t0, t0 + cnt) of the batch (through rows when useRows) into shared memory: xs [cnt][d], ys.
template <typename T>
ONECNN_FN void loadTile(const T *x, const T *y, const int *rows, int useRows, int d, int t0, int cnt, T *xs, T *ys) {
    int tid = ONECNN_TID_X;
    int nt = ONECNN_BDIM_X;
    for (int e = tid; e < cnt * d; e += nt) {
        int m = e / d;
        int row = useRows ? rows[t0 + m] : t0 + m;
        xs[e] = x[(i64) row * d + (e - m * d)];
    }
    for (int m = tid; m < cnt; m += nt) {
        ys[m] = y[useRows ? rows[t0 + m] : t0 + m];
    }
}

// One thread per (student i, sample block sb): the partial sums of FusedEnsemble.kernel over batch positions
// [sb·block, min(b, (sb+1)·block)), samples in order, patches in order within a sample; any r, k (the filter and
// output weights read from global memory, the activations kept in hs [sb][k][S], the sums in pg, pga directly).
// The samples come through shared memory in tiles of `tile` rows (all threads of a block read the same sample:
// broadcasts).
template <typename T>
ONECNN_FN void gradAny(const T *x, const T *y, const int *rows, int useRows, int b, int d, int r, int k, int s,
        double alpha, const T *wk, const T *a, int S, int block, int tile, T *pg, T *pga, T *hs, double *ploss,
        int wantLoss) {
    ONECNN_DYN_SHARED(smem);
    T *xs = (T *) smem;
    T *ys = xs + (i64) tile * d;
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    int sb = ONECNN_BID_Y;
    int m0 = sb * block;
    int m1 = m0 + block < b ? m0 + block : b;
    bool relu = alpha == 0;
    T al = (T) alpha;
    T zero = 0;
    T *g = pg + (i64) sb * r * S + i;
    T *ga = pga + (i64) sb * k * S + i;
    T *h = hs + (i64) sb * k * S + i;
    for (int q = 0; q < r; q++) {
        g[(i64) q * S] = 0;
    }
    for (int j = 0; j < k; j++) {
        ga[(i64) j * S] = 0;
    }
    double loss = 0;
    for (int t0 = m0; t0 < m1; t0 += tile) {
        int cnt = m1 - t0 < tile ? m1 - t0 : tile;
        ONECNN_SYNC();
        loadTile<T>(x, y, rows, useRows, d, t0, cnt, xs, ys);
        ONECNN_SYNC();
        for (int mm = 0; mm < cnt; mm++) {
            const T *xr = xs + (i64) mm * d;
            T f = zero;
            for (int j = 0; j < k; j++) {
                int z = j * s;
                T acc = wk[i] * xr[z];
                for (int q = 1; q < r; q++) {
                    acc = fmaT(wk[(i64) q * S + i], xr[z + q], acc);
                }
                T hj = acc > zero ? acc : (relu ? zero : acc * al);
                h[(i64) j * S] = hj;
                f = fmaT(a[(i64) j * S + i], hj, f);
            }
            T e = f - ys[mm];
            if (wantLoss) {
                double ev = e;
                loss += 0.5 * ev * ev;
            }
            for (int j = 0; j < k; j++) {
                T hj = h[(i64) j * S];
                ga[(i64) j * S] = fmaT(e, hj, ga[(i64) j * S]);
                T ea = e * a[(i64) j * S + i];
                T c = hj > zero ? ea : (relu ? zero : ea * al);
                int z = j * s;
                for (int q = 0; q < r; q++) {
                    g[(i64) q * S] = fmaT(c, xr[z + q], g[(i64) q * S]);
                }
            }
        }
    }
    if (wantLoss) {
        ploss[(i64) sb * S + i] = loss;
    }
}

// gradAny for filter size R and K patches known at compile time: the filter, the output weights, the activations
// and both partial sums in registers. The same operations in the same order as gradAny.
template <typename T, int R, int K>
ONECNN_FN void gradFixed(const T *x, const T *y, const int *rows, int useRows, int b, int d, int s, double alpha,
        const T *wk, const T *a, int S, int block, int tile, T *pg, T *pga, double *ploss, int wantLoss) {
    ONECNN_DYN_SHARED(smem);
    T *xs = (T *) smem;
    T *ys = xs + (i64) tile * d;
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    int sb = ONECNN_BID_Y;
    int m0 = sb * block;
    int m1 = m0 + block < b ? m0 + block : b;
    bool relu = alpha == 0;
    T al = (T) alpha;
    T zero = 0;
    T w[R], av[K], h[K], ga[K], g[R];
#pragma unroll
    for (int q = 0; q < R; q++) {
        w[q] = wk[(i64) q * S + i];
        g[q] = 0;
    }
#pragma unroll
    for (int j = 0; j < K; j++) {
        av[j] = a[(i64) j * S + i];
        ga[j] = 0;
    }
    double loss = 0;
    for (int t0 = m0; t0 < m1; t0 += tile) {
        int cnt = m1 - t0 < tile ? m1 - t0 : tile;
        ONECNN_SYNC();
        loadTile<T>(x, y, rows, useRows, d, t0, cnt, xs, ys);
        ONECNN_SYNC();
        for (int mm = 0; mm < cnt; mm++) {
            const T *xr = xs + (i64) mm * d;
            T f = zero;
#pragma unroll
            for (int j = 0; j < K; j++) {
                const T *z = xr + j * s;
                T acc = w[0] * z[0];
#pragma unroll
                for (int q = 1; q < R; q++) {
                    acc = fmaT(w[q], z[q], acc);
                }
                h[j] = acc > zero ? acc : (relu ? zero : acc * al);
                f = fmaT(av[j], h[j], f);
            }
            T e = f - ys[mm];
            if (wantLoss) {
                double ev = e;
                loss += 0.5 * ev * ev;
            }
#pragma unroll
            for (int j = 0; j < K; j++) {
                ga[j] = fmaT(e, h[j], ga[j]);
                T ea = e * av[j];
                T c = h[j] > zero ? ea : (relu ? zero : ea * al);
                const T *z = xr + j * s;
#pragma unroll
                for (int q = 0; q < R; q++) {
                    g[q] = fmaT(c, z[q], g[q]);
                }
            }
        }
    }
#pragma unroll
    for (int q = 0; q < R; q++) {
        pg[((i64) sb * R + q) * S + i] = g[q];
    }
#pragma unroll
    for (int j = 0; j < K; j++) {
        pga[((i64) sb * K + j) * S + i] = ga[j];
    }
    if (wantLoss) {
        ploss[(i64) sb * S + i] = loss;
    }
}

#define ONECNN_GRAD_ANY(SUF, T)                                                                                    \
    ONECNN_KERNEL void onecnn_grad_##SUF(const T *x, const T *y, const int *rows, int useRows, int b, int d, int r, \
            int k, int s, double alpha, const T *wk, const T *a, int S, int block, int tile, T *pg, T *pga, T *hs,  \
            double *ploss, int wantLoss) {                                                                         \
        gradAny<T>(x, y, rows, useRows, b, d, r, k, s, alpha, wk, a, S, block, tile, pg, pga, hs, ploss, wantLoss); \
    }
ONECNN_GRAD_ANY(f, float)
ONECNN_GRAD_ANY(d, double)

// The specialisations the engine knows by name (CudaPlan.FIXED): onecnn_grad_<R>x<K>_<f|d>, same arguments as
// onecnn_grad_<f|d> (r, k and hs ignored), launched with ONECNN_GRAD_THREADS threads per block. The bound (MINBLOCKS
// blocks per multiprocessor) caps the registers at 65536 / (MINBLOCKS · 128): 6×25 in float keeps the 150 inputs of
// a sample in registers between the forward and the backward pass (one shared-memory load each instead of two) and
// needs 253 registers without spilling (ptxas for sm_90; a cap of 128 or 168 spilled), so two blocks: 8 warps per
// multiprocessor, each with 25 independent chains in the forward pass and 31 in the backward.
#define ONECNN_GRAD_THREADS 128
#define ONECNN_GRAD_FIXED(R, K, SUF, T, MINBLOCKS)                                                                 \
    ONECNN_KERNEL ONECNN_BOUNDS(ONECNN_GRAD_THREADS, MINBLOCKS) void onecnn_grad_##R##x##K##_##SUF(const T *x, const T *y, const int *rows, int useRows, int b,  \
            int d, int r, int k, int s, double alpha, const T *wk, const T *a, int S, int block, int tile, T *pg,  \
            T *pga, T *hs, double *ploss, int wantLoss) {                                                          \
        gradFixed<T, R, K>(x, y, rows, useRows, b, d, s, alpha, wk, a, S, block, tile, pg, pga, ploss, wantLoss);  \
    }
ONECNN_GRAD_FIXED(6, 25, f, float, 2)
ONECNN_GRAD_FIXED(6, 25, d, double, 2)
ONECNN_GRAD_FIXED(4, 4, f, float, 4)
ONECNN_GRAD_FIXED(4, 4, d, double, 4)

// 6×25 in float with a tighter register cap, for measuring which occupancy is fastest on a GPU (the engine takes
// them with -Donecnn.cuda.min_blocks=3 or 4; CudaPlan.gradKernel): three blocks per multiprocessor (168 registers,
// some spilled to L1) or four (128): more warps to hide latency against spill traffic. The same operations, the
// same bits.
#define ONECNN_GRAD_FIXED_MB(R, K, SUF, T, MINBLOCKS)                                                              \
    ONECNN_KERNEL ONECNN_BOUNDS(ONECNN_GRAD_THREADS, MINBLOCKS) void                                                \
            onecnn_grad_##R##x##K##_##SUF##_mb##MINBLOCKS(const T *x, const T *y, const int *rows, int useRows,     \
            int b, int d, int r, int k, int s, double alpha, const T *wk, const T *a, int S, int block, int tile,  \
            T *pg, T *pga, T *hs, double *ploss, int wantLoss) {                                                   \
        gradFixed<T, R, K>(x, y, rows, useRows, b, d, s, alpha, wk, a, S, block, tile, pg, pga, ploss, wantLoss);  \
    }
ONECNN_GRAD_FIXED_MB(6, 25, f, float, 3)
ONECNN_GRAD_FIXED_MB(6, 25, f, float, 4)

// Per student (one thread each): the partial sums of the sb sample blocks added in double in block order, then
// the filter part projected, ∂L/∂v = (G − w (wᵀG)) / ‖v‖ (FusedEnsemble.pass); the loss sums when wantLoss.
template <typename T>
ONECNN_FN void reduce(const T *pg, const T *pga, const double *ploss, int nsb, int S, int students, int r, int k,
        const double *wd, const double *norm, double *gv, double *ga, double *lsum, int wantLoss) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i >= students) {
        return;
    }
    for (int q = 0; q < r; q++) {
        double g = 0;
        for (int j = 0; j < nsb; j++) {
            g += (double) pg[((i64) j * r + q) * S + i];
        }
        gv[(i64) q * S + i] = g;
    }
    for (int jj = 0; jj < k; jj++) {
        double g = 0;
        for (int j = 0; j < nsb; j++) {
            g += (double) pga[((i64) j * k + jj) * S + i];
        }
        ga[(i64) jj * S + i] = g;
    }
    if (wantLoss) {
        double ls = 0;
        for (int j = 0; j < nsb; j++) {
            ls += ploss[(i64) j * S + i];
        }
        lsum[i] = ls;
    }
    double along = 0;
    for (int q = 0; q < r; q++) {
        along += wd[(i64) q * S + i] * gv[(i64) q * S + i];
    }
    for (int q = 0; q < r; q++) {
        gv[(i64) q * S + i] = (gv[(i64) q * S + i] - wd[(i64) q * S + i] * along) / norm[i];
    }
}

ONECNN_KERNEL void onecnn_reduce_f(const float *pg, const float *pga, const double *ploss, int nsb, int S,
        int students, int r, int k, const double *wd, const double *norm, double *gv, double *ga, double *lsum,
        int wantLoss) {
    reduce<float>(pg, pga, ploss, nsb, S, students, r, k, wd, norm, gv, ga, lsum, wantLoss);
}

ONECNN_KERNEL void onecnn_reduce_d(const double *pg, const double *pga, const double *ploss, int nsb, int S,
        int students, int r, int k, const double *wd, const double *norm, double *gv, double *ga, double *lsum,
        int wantLoss) {
    reduce<double>(pg, pga, ploss, nsb, S, students, r, k, wd, norm, gv, ga, lsum, wantLoss);
}

// θ ← θ − c·∇ with c = η/b, in double, rounded once to the data type; frozen students do not move
// (FusedEnsemble.update).
template <typename T>
ONECNN_FN void update(T *v, T *a, const double *gv, const double *ga, const int *frozen, int S, int students, int r,
        int k, double c) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i >= students || frozen[i]) {
        return;
    }
    for (int q = 0; q < r; q++) {
        v[(i64) q * S + i] = (T) ((double) v[(i64) q * S + i] - gv[(i64) q * S + i] * c);
    }
    for (int j = 0; j < k; j++) {
        a[(i64) j * S + i] = (T) ((double) a[(i64) j * S + i] - ga[(i64) j * S + i] * c);
    }
}

ONECNN_KERNEL void onecnn_update_f(float *v, float *a, const double *gv, const double *ga, const int *frozen, int S,
        int students, int r, int k, double c) {
    update<float>(v, a, gv, ga, frozen, S, students, r, k, c);
}

ONECNN_KERNEL void onecnn_update_d(double *v, double *a, const double *gv, const double *ga, const int *frozen,
        int S, int students, int r, int k, double c) {
    update<double>(v, a, gv, ga, frozen, S, students, r, k, c);
}

// The kernels' fdlibm functions themselves, for the tests against StrictMath: out[3i … 3i+2] = log, sin, cos of
// x[i] (sin and cos for |x| <= 2^19·π/2).
ONECNN_KERNEL void onecnn_fdlibm(const double *x, double *out, int n) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i < n) {
        out[3 * i] = fdlibm_log(x[i]);
        out[3 * i + 1] = fdlibm_sin(x[i]);
        out[3 * i + 2] = fdlibm_cos(x[i]);
    }
}

// The readiness probe (CudaReadiness): out[i] = 3i + 1.
ONECNN_KERNEL void onecnn_probe(int *out, int n) {
    int i = ONECNN_BID_X * ONECNN_BDIM_X + ONECNN_TID_X;
    if (i < n) {
        out[i] = 3 * i + 1;
    }
}
