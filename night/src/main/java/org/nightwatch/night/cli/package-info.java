/** The {@code nightwatch} command line (picocli): {@code simulate} and {@code bench ingest}. */
package org.nightwatch.night.cli;
