/**
 * What an astronomer or an engineer runs around the nights, outside the runtime jar: benchmarks of the pipeline and
 * its kernels ({@code bench}), training sets and the real/bogus model ({@code train}), and the scoring of a night
 * against its truth ({@code evaluate}). They are {@code nightwatch} subcommands through {@link org.nightwatch.tools.ToolCommands}.
 */
package org.nightwatch.tools;
