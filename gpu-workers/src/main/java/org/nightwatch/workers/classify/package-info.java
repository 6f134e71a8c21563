/**
 * The real/bogus classifier (ARCHITECTURE section 8): the input specification every model file carries
 * ({@link org.nightwatch.workers.classify.InputSpec}), the networks built in SameDiff
 * ({@link org.nightwatch.workers.classify.RealBogusModel}), training, and the metrics of a scored set
 * ({@link org.nightwatch.workers.classify.Metrics}).
 */
package org.nightwatch.workers.classify;
