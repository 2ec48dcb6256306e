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
 * provisioned, and one revoked there is refused; revoking here also closes the connections it still has.
 */
export function embeddedDeviceAccess(broker: EmbeddedBroker): DeviceAccess {
  return {
    provisionDevice: async () => {},
    revokeDevice: async (deviceId) => {
      broker.disconnectDevice(deviceId);
    },
  };
}
