package org.onecnn.empirical.cuda;

/**
 * The {@code cuda} engine cannot run here, for a reason the user can act on, said in one line: no NVIDIA driver
 * ({@code libcuda.so.1} absent), no GPU, a driver too old for onecnn's PTX, a device below compute capability 7.0,
 * or not enough device memory for the training asked for.
 */
public class CudaUnavailableException extends CudaException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String reason, String message) {
        super(reason, message);
    }
}
