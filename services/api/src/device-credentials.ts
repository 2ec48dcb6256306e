// What the API tells the MQTT broker when a device's credentials change. The embedded broker checks the registry
// at connect, and needs only to drop sessions of rotated or revoked devices; an external broker (Mosquitto with a
// password file or dynamic security) needs the new password itself. Implementations live with the broker
// (services/ingest); services/cli wires one in.
import type { Device } from '@restpose/protocol';

export type DeviceChange =
  /** A new device, or a new password for one: the broker should accept this password from now on. */
  | { kind: 'provisioned' | 'rotated'; device: Device; password: string }
  /** The broker must refuse the device from now on and drop its open sessions. */
  | { kind: 'revoked'; device: Device };

export interface DeviceCredentialsSink {
  /** Called after the registry has changed; a rejection makes the API answer 503 (the registry change stays). */
  deviceChanged(change: DeviceChange): Promise<void>;
}

/** For an API without a broker to tell (tests, a deployment whose broker reads the registry itself). */
export const registryOnly: DeviceCredentialsSink = { deviceChanged: async () => {} };
