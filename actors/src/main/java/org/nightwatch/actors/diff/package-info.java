/**
 * Difference imaging in the running pipeline: the {@link org.nightwatch.actors.diff.DiffStage} after
 * stacking (one {@code DifferenceImager} per worker, references from the {@link
 * org.nightwatch.actors.diff.ReferenceLibrary}, prepared once and cached), and the candidates it produces.
 * The image work itself is in {@code org.nightwatch.workers.diff}.
 */
package org.nightwatch.actors.diff;
