/**
 * {@code nightwatch bench}: the pipeline, ingest, difference imaging, classifier, scheduler and control-room
 * benchmarks, each reporting ratios measured in the same run (real-time factor, our time over a peer's).
 */
package org.nightwatch.tools.bench;
