// MQTT topic layout, v1: restpose/v1/devices/{deviceId}/{channel}.

export const TOPIC_ROOT = 'restpose/v1/devices';

/** Channels under a device's topic; the direction says who publishes. */
export const DEVICE_CHANNELS = {
  imu: 'device -> server',
  status: 'device -> server',
  config: 'server -> device (retained)',
  errors: 'server -> device',
} as const;
export type DeviceChannel = keyof typeof DEVICE_CHANNELS;

/** Device ids are topic-safe: no MQTT wildcards or separators, so they can never address another device. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID_PATTERN.test(id);
}

export function deviceTopic(deviceId: string, channel: DeviceChannel): string {
  if (!isValidDeviceId(deviceId)) throw new Error(`invalid device id ${JSON.stringify(deviceId)}`);
  return `${TOPIC_ROOT}/${deviceId}/${channel}`;
}

/** The subscription filter covering one channel of every device. */
export function allDevicesFilter(channel: DeviceChannel): string {
  return `${TOPIC_ROOT}/+/${channel}`;
}

/** A shared subscription (MQTT 5, also honoured by Mosquitto for 3.1.1 clients) so several consumers split the load. */
export function sharedFilter(group: string, channel: DeviceChannel): string {
  return `$share/${group}/${allDevicesFilter(channel)}`;
}

export interface ParsedDeviceTopic {
  deviceId: string;
  channel: DeviceChannel;
}

/** Parses a concrete device topic; null for anything outside the v1 device tree. */
export function parseDeviceTopic(topic: string): ParsedDeviceTopic | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return null;
  const rest = topic.slice(prefix.length).split('/');
  if (rest.length !== 2) return null;
  const [deviceId, channel] = rest as [string, string];
  if (!isValidDeviceId(deviceId) || !Object.hasOwn(DEVICE_CHANNELS, channel)) return null;
  return { deviceId, channel: channel as DeviceChannel };
}
