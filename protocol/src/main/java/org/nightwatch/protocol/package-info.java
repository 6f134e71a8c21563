/**
 * Wire formats and shared domain records of nightwatch.
 *
 * <p>Every other module meets through this package: the frame transport codec
 * ({@link org.nightwatch.protocol.FrameCodec}, a versioned flyweight over an Agrona buffer,
 * ARCHITECTURE section 4.1), sensor and visit identities, survey modes and the reasons a frame
 * can fail to reach a stack. It depends on Agrona only.
 */
package org.nightwatch.protocol;
