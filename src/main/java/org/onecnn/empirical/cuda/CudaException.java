package org.onecnn.empirical.cuda;

/**
 * The CUDA driver refused something: {@link #result()} is its result code by name ({@code CUDA_ERROR_…}), the
 * message says what onecnn was doing, in one line.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String result;

    public CudaException(String result, String message) {
        super(message);
        this.result = result;
    }

    /** The driver's result code by name ({@code CUDA_ERROR_OUT_OF_MEMORY}, …), or a onecnn reason. */
    public String result() {
        return result;
    }
}
