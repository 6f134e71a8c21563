/**
 * Scoring a whole night against its ground truth ({@link org.nightwatch.tools.evaluate.NightEvaluation},
 * {@code nightwatch evaluate-night}): recall, purity of the ranked list, latency, real-time factor.
 */
package org.nightwatch.tools.evaluate;
