package org.onecnn.empirical.cuda;

/**
 * The sizes of one ensemble on the GPU, from the shapes alone (no device needed): the student stride, the launch
 * geometry of each kernel, the shared memory of the gradient pass, the bytes of every buffer and their sum, the
 * figure {@link CudaEngine} checks against the device's free memory before it allocates anything.
 *
 * <p>Students are columns {@code 0 … students−1} of arrays of stride {@link #stride()} (the students rounded up to
 * {@link #THREADS}); the gradient pass runs one thread per (student, sample block), blocks of {@link #THREADS}
 * threads along the students and one grid row per sample block of {@code reductionBlock} batch positions; the
 * samples come through shared memory in tiles of {@link #tile()} rows.
 *
 * @param r             filter size
 * @param k             patches
 * @param d             input dimension
 * @param students      students held
 * @param bytes         bytes of the data type (4 float, 8 double)
 * @param block         the reduction block (samples per partial sum)
 * @param trainingRows  rows of the fixed training set (0 online)
 * @param maxBatch      the largest batch of a pass: {@code n} (full batch and measurements), the minibatch size,
 *                      or the online batch size
 * @param online        whether the engine generates each step's batch (online)
 */
public record CudaPlan(int r, int k, int d, int students, int bytes, int block, int trainingRows, int maxBatch,
        boolean online) {
    /** Threads per block of every kernel (the gradient kernels' launch bound, onecnn.cu's ONECNN_GRAD_THREADS). */
    public static final int THREADS = 128;
    /** Shared memory a block may use without opting in, on every GPU since Kepler. */
    public static final int SHARED_BYTES = 48 * 1024;
    /** The largest grid dimension y (the sample blocks of a pass) CUDA allows. */
    public static final int MAX_GRID_Y = 65535;
    /** Most sample rows per shared-memory tile (more gains nothing: one barrier per tile). */
    public static final int MAX_TILE = 64;
    /** Filter sizes and patch counts with a kernel of their own (registers; onecnn.cu's ONECNN_GRAD_FIXED). */
    static final int[][] FIXED = {{6, 25}, {4, 4}};

    /** Students rounded up to whole blocks: the column stride of every per-student array. */
    public int stride() {
        return (students + THREADS - 1) / THREADS * THREADS;
    }

    /** Sample blocks of a batch of {@code b}. */
    public int sampleBlocks(int b) {
        return (b + block - 1) / block;
    }

    /** Rows per shared-memory tile: as many as fit in {@link #SHARED_BYTES} (rows of d inputs and a label), at most
     *  {@link #MAX_TILE}; 0 when not even one row fits. */
    public int tile() {
        long perRow = (long) (d + 1) * bytes;
        return (int) Math.min(MAX_TILE, SHARED_BYTES / perRow);
    }

    /** Dynamic shared memory of the gradient pass: a tile of inputs and labels. */
    public int sharedBytes() {
        return tile() * (d + 1) * bytes;
    }

    /** Whether (r, k) has its own register kernel. */
    public boolean fixedKernel() {
        for (int[] f : FIXED) {
            if (f[0] == r && f[1] == k) {
                return true;
            }
        }
        return false;
    }

    /** The gradient kernel's name in onecnn's PTX (with {@link #minBlocksOption()} where it has a variant). */
    public String gradKernel() {
        return gradKernel(minBlocksOption());
    }

    /**
     * The gradient kernel's name for a register cap of {@code 65536 / (minBlocks · 128)}: 6 × 25 in float has
     * variants for 3 and 4 blocks per multiprocessor besides its default 2 (onecnn.cu, ONECNN_GRAD_FIXED_MB: the same
     * operations, so the same bits; which is fastest is a measurement on the GPU at hand).
     */
    public String gradKernel(int minBlocks) {
        String t = bytes == 4 ? "f" : "d";
        if (!fixedKernel()) {
            return "onecnn_grad_" + t;
        }
        String name = "onecnn_grad_" + r + "x" + k + "_" + t;
        return bytes == 4 && r == 6 && k == 25 && (minBlocks == 3 || minBlocks == 4) ? name + "_mb" + minBlocks : name;
    }

    /** {@code -Donecnn.cuda.min_blocks} (2, 3 or 4; default 2): which register cap of 6 × 25 in float to launch. */
    static int minBlocksOption() {
        return Integer.getInteger("onecnn.cuda.min_blocks", 2);
    }

    /** The grid of the gradient pass over a batch of {@code b}: (stride / THREADS, sample blocks, 1). */
    public int[] gradGrid(int b) {
        return new int[] {stride() / THREADS, sampleBlocks(b), 1};
    }

    /** The grid of a kernel with one thread per student. */
    public int[] studentGrid() {
        return new int[] {Math.max(1, (students + THREADS - 1) / THREADS), 1, 1};
    }

    /** The grid of a kernel with one thread per sample of a batch of {@code b}. */
    public static int[] sampleGrid(int b) {
        return new int[] {Math.max(1, (b + THREADS - 1) / THREADS), 1, 1};
    }

    /** A block of {@link #THREADS} threads. */
    public static int[] threads() {
        return new int[] {THREADS, 1, 1};
    }

    // ---- buffers, in bytes

    long params() {
        // v, wk, a in the data type; wd, gv, ga (double); norm, lsum (double); frozen (int)
        long s = stride();
        return s * (2L * r + k) * bytes + s * (2L * r + k) * 8 + s * 2 * 8 + s * 4;
    }

    long partials() {
        long sb = sampleBlocks(maxBatch);
        long s = stride();
        long hs = fixedKernel() ? 0 : sb * k * s * bytes;
        return sb * s * ((long) r + k) * bytes + sb * s * 8 + hs;
    }

    long data() {
        long fixed = (long) trainingRows * (d + 1) * bytes;
        long rows = 4L * Math.max(1, maxBatch);
        long fresh = online ? (long) maxBatch * (d + 1) * bytes + (bytes == 4 ? (long) maxBatch * d * 8 : 0)
                + 8L * (r + k) : 0;
        return fixed + rows + fresh;
    }

    /** Every buffer the ensemble allocates. */
    public long deviceBytes() {
        return params() + partials() + data();
    }
}
