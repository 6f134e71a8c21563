/**
 * Pure compute for nightwatch: image kernels (stacking now; calibration, resampling, PSF matching,
 * subtraction, detection and cut-outs as the pipeline grows) and, later, the real/bogus classifier.
 *
 * <p>Each hot kernel is written with Java's Vector API and has a plain scalar twin that serves as its
 * test oracle; both sit behind one interface so that a CUDA implementation can join them. Kernels
 * allocate nothing per frame: callers own and reuse the buffers.
 */
package org.nightwatch.workers;
