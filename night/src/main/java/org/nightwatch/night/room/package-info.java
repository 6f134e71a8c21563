/**
 * The control room fed by the running night: {@link org.nightwatch.night.room.NightRoomBackend} gives the
 * control-room module's server the ranked alerts, their changes, labels, the sensors and the night.
 */
package org.nightwatch.night.room;
