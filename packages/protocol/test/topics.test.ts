import { deviceTopic, parseDeviceTopic, sharedFilter } from '../src/index.js';

test('device topics round-trip and reject anything outside the v1 tree', () => {
  expect(deviceTopic('dev-1', 'imu')).toBe('restpose/v1/devices/dev-1/imu');
  expect(parseDeviceTopic('restpose/v1/devices/dev-1/imu')).toEqual({ deviceId: 'dev-1', channel: 'imu' });
  expect(parseDeviceTopic('restpose/v1/devices/dev-1/telemetry')).toBeNull();
  expect(parseDeviceTopic('restpose/v1/devices/dev-1/imu/extra')).toBeNull();
  expect(parseDeviceTopic('restpose/v2/devices/dev-1/imu')).toBeNull();
  expect(parseDeviceTopic('restpose/v1/devices/+/imu')).toBeNull();
  expect(() => deviceTopic('a/b', 'imu')).toThrow(/invalid device id/);
  expect(() => deviceTopic('#', 'imu')).toThrow(/invalid device id/);
  expect(sharedFilter('g1', 'imu')).toBe('$share/g1/restpose/v1/devices/+/imu');
});
