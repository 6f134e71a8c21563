/**
 * Training data for the real/bogus classifier, made the Tomo-e way: real = point sources injected into
 * simulated new images and found by the project's own difference imaging; bogus = detections on
 * injection-free differences, each with its type; moving objects and variables kept apart.
 */
package org.nightwatch.tools.train;
