/**
 * The fused CPU engine of the empirical trainer ({@code empirical.engine: fused}, the default): onecnn's own
 * kernels, the forward pass and the gradient of every student in one pass per sample, vectorized across students
 * with the JDK's Vector API ({@code jdk.incubator.vector}), multi-threaded, bit-identical whatever the thread count
 * or chunking. Registered in {@code META-INF/services/org.onecnn.empirical.EmpiricalEngine}: no main code outside
 * this package names these classes.
 */
package org.onecnn.empirical.fused;
