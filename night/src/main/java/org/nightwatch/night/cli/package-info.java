/**
 * The {@code nightwatch} command line (picocli): the runtime commands {@code simulate}, {@code replay}, {@code subtract}
 * and {@code alerts}, and the tools' commands found on the class path ({@link org.nightwatch.night.cli.NightwatchCli.Tools}).
 */
package org.nightwatch.night.cli;
