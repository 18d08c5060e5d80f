/**
 * The DL4J engine of the empirical trainer: the students as one network of onecnn's DL4J layers
 * ({@link org.onecnn.empirical.layers}), gradients from DL4J's backpropagation. Registered in
 * {@code META-INF/services/org.onecnn.empirical.EmpiricalEngine} under the name {@code dl4j}: no main code outside
 * this package names these classes.
 */
package org.onecnn.empirical.dl4j;
