// Broker access of devices, for whoever registers and revokes them (the API, `restpose mosquitto`): implemented by
// Mosquitto's dynamic security plugin (MosquittoAccess) and by the embedded broker.
import type { EmbeddedBroker } from './embedded-broker.js';

export interface DeviceAccess {
  /** Lets the device connect with this secret and reach its own topics. */
  provisionDevice(deviceId: string, secret: string): Promise<void>;
  /** The device is disconnected and refused from now on. */
  revokeDevice(deviceId: string): Promise<void>;
}

/**
 * The embedded broker authenticates against the registry at every connect, so a device registered there is
 * provisioned, and one revoked there is refused; both close the sessions the device still has open, so that a
 * rotated or revoked secret stops working at once.
 */
export function embeddedDeviceAccess(broker: EmbeddedBroker): DeviceAccess {
  const dropSessions = async (deviceId: string) => {
    await broker.disconnectDevice(deviceId);
  };
  return { provisionDevice: dropSessions, revokeDevice: dropSessions };
}
