// The registry as the drain sees it: devices and their assignments, read from the store in bulk and cached, so the
// hot path costs no query per batch. A device unknown to the cache triggers a refresh (at most every few seconds);
// a store that cannot answer leaves the last good copy in place.
import type { Assignment, Device } from '@restpose/protocol';
import type { IngestStore } from './store-port.js';

export interface RegistryCacheOptions {
  store: IngestStore;
  /** How long a full device list is trusted. */
  refreshMs?: number;
  /** The least time between refreshes caused by an unknown device. */
  missRefreshMs?: number;
  now?: () => number;
}

export class RegistryCache {
  private devices = new Map<string, Device>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private readonly assignments = new Map<string, { at: number; list: Assignment[] }>();
  private readonly refreshMs: number;
  private readonly missRefreshMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RegistryCacheOptions) {
    this.refreshMs = options.refreshMs ?? 30_000;
    this.missRefreshMs = options.missRefreshMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  private refresh(): Promise<void> {
    this.loading ??= this.options.store
      .listDevices()
      .then((list) => {
        this.devices = new Map(list.map((d) => [d.id, d]));
        this.loadedAt = this.now();
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** The device record, or null when it is not registered. Rejects only when the store cannot be read at all. */
  async device(id: string): Promise<Device | null> {
    const age = this.now() - this.loadedAt;
    const known = this.devices.get(id);
    if (age > this.refreshMs || (!known && age > this.missRefreshMs)) {
      try {
        await this.refresh();
      } catch (err) {
        if (this.loadedAt === Number.NEGATIVE_INFINITY) throw err;
      }
    }
    return this.devices.get(id) ?? null;
  }

  /** The device as last read, without asking the store (undefined when not read yet). */
  cached(id: string): Device | undefined {
    return this.devices.get(id);
  }

  /** Whether a batch received at `receivedAt` came from a registered device not revoked by then. */
  async accepts(id: string, receivedAt: number): Promise<boolean> {
    const device = await this.device(id);
    return device !== null && (device.revokedAt === null || receivedAt < device.revokedAt);
  }

  async assignmentsFor(deviceId: string): Promise<Assignment[]> {
    const cached = this.assignments.get(deviceId);
    if (cached && this.now() - cached.at < this.refreshMs) return cached.list;
    const list = await this.options.store.assignmentsForDevice(deviceId);
    this.assignments.set(deviceId, { at: this.now(), list });
    return list;
  }
}
