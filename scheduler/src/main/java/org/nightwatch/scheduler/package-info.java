/**
 * The scheduler: association of scored candidates into objects across visits, ranking, visibility
 * (jsofa), the same-night follow-up plan, alert formats and persistence (ARCHITECTURE section 9).
 *
 * <p>Not built yet: candidates arrive once difference imaging and the classifier exist (issues 3-5).
 */
package org.nightwatch.scheduler;
