// Who may connect to Mosquitto and what they may do, kept in step with the registry through the dynamic security
// plugin. Each device is a plugin client whose username and client id are its device id (so Mosquitto refuses
// another client id), with a role of its own naming its four topics: Mosquitto 2.0's plugin has no %u patterns, and a
// literal role per device is what makes "only its own topics" exact. The ingest service account may read every
// device's imu and status, also through a shared subscription, and write errors and config.
//
// The plugin stores salted hashes of what it is given; the registry keeps only a SHA-256 of each secret, so a device
// is provisioned when its secret is known (at registration) and revocation needs no secret. Deleting a plugin client
// disconnects it at once.
import { type Device, isValidDeviceId, TOPIC_ROOT } from '@restpose/protocol';
import type { DeviceAccess } from '../device-access.js';
import { DynsecAdmin, type DynsecAdminOptions, type DynsecCommand } from './dynsec-admin.js';

export const INGEST_ROLE = 'restpose-ingest';
const DEVICE_ROLE_PREFIX = 'restpose-device-';
const deviceRole = (id: string) => `${DEVICE_ROLE_PREFIX}${id}`;

const EXISTS = [/already exists/i];
const MISSING = [/not found/i];

function checkId(deviceId: string): void {
  if (!isValidDeviceId(deviceId)) throw new Error(`device id ${JSON.stringify(deviceId)}: not a valid device id`);
}

function deviceAcls(id: string) {
  const topic = (channel: string) => `${TOPIC_ROOT}/${id}/${channel}`;
  return [
    { acltype: 'publishClientSend', topic: topic('imu'), allow: true },
    { acltype: 'publishClientSend', topic: topic('status'), allow: true },
    { acltype: 'subscribeLiteral', topic: topic('config'), allow: true },
    { acltype: 'subscribeLiteral', topic: topic('errors'), allow: true },
  ];
}

const INGEST_ACLS = [
  ...['imu', 'status'].flatMap((channel) => [
    { acltype: 'subscribePattern', topic: `$share/+/${TOPIC_ROOT}/+/${channel}`, allow: true },
    { acltype: 'subscribePattern', topic: `${TOPIC_ROOT}/+/${channel}`, allow: true },
  ]),
  { acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/+/errors`, allow: true },
  { acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/+/config`, allow: true },
];

export interface ReconcileResult {
  /** Broker clients removed because their device is revoked or not registered. */
  revoked: string[];
  /** Registered, active devices the broker does not know: they need a new secret (provision them again). */
  missing: string[];
}

export class MosquittoAccess implements DeviceAccess {
  private constructor(private readonly admin: DynsecAdmin) {}

  /** Connects as the dynamic security admin (the user `mosquitto_ctrl dynsec init` created). */
  static async connect(options: DynsecAdminOptions): Promise<MosquittoAccess> {
    return new MosquittoAccess(await DynsecAdmin.connect(options));
  }

  /** Denies by default whatever no role allows; creates or updates the ingest role and its service account. */
  async provisionIngest(username: string, password: string): Promise<void> {
    await this.admin.run([
      {
        command: 'setDefaultACLAccess',
        acls: [
          { acltype: 'publishClientSend', allow: false },
          { acltype: 'publishClientReceive', allow: true },
          { acltype: 'subscribe', allow: false },
          { acltype: 'unsubscribe', allow: true },
        ],
      },
    ]);
    await this.admin.run([{ command: 'createRole', rolename: INGEST_ROLE }], EXISTS);
    const role = await this.admin.run([{ command: 'getRole', rolename: INGEST_ROLE }]);
    const existing = ((role[0]!.data?.role as { acls?: Array<{ acltype: string; topic: string }> })?.acls ?? []).map(
      (a) => `${a.acltype} ${a.topic}`,
    );
    const add = INGEST_ACLS.filter((a) => !existing.includes(`${a.acltype} ${a.topic}`));
    if (add.length > 0) await this.admin.run(add.map((a) => ({ command: 'addRoleACL', rolename: INGEST_ROLE, ...a })));
    await this.upsertClient({ username, password, roles: [{ rolename: INGEST_ROLE }] });
  }

  async provisionDevice(deviceId: string, secret: string): Promise<void> {
    await this.provisionDevices([{ deviceId, secret }]);
  }

  /** Provisions many devices in a few requests (the plugin saves its file once per request). */
  async provisionDevices(devices: Array<{ deviceId: string; secret: string }>): Promise<void> {
    for (const d of devices) checkId(d.deviceId);
    for (let i = 0; i < devices.length; i += 200) {
      const chunk = devices.slice(i, i + 200);
      await this.admin.run(
        chunk.map((d) => ({ command: 'createRole', rolename: deviceRole(d.deviceId), acls: deviceAcls(d.deviceId) })),
        EXISTS,
      );
      const created = await this.admin.run(
        chunk.map((d) => ({
          command: 'createClient',
          username: d.deviceId,
          password: d.secret,
          clientid: d.deviceId,
          textname: 'restpose device',
          roles: [{ rolename: deviceRole(d.deviceId) }],
        })),
        EXISTS,
      );
      // Existing clients (a device provisioned again, with a new secret) are updated in place.
      const again = chunk.filter((_, k) => created[k]!.error);
      for (const d of again) {
        await this.admin.run([
          { command: 'setClientPassword', username: d.deviceId, password: d.secret },
          {
            command: 'modifyClient',
            username: d.deviceId,
            clientid: d.deviceId,
            roles: [{ rolename: deviceRole(d.deviceId) }],
          },
          { command: 'enableClient', username: d.deviceId },
        ]);
      }
    }
  }

  async revokeDevice(deviceId: string): Promise<void> {
    checkId(deviceId);
    await this.admin.run(
      [
        { command: 'deleteClient', username: deviceId },
        { command: 'deleteRole', rolename: deviceRole(deviceId) },
      ],
      MISSING,
    );
  }

  /** Device ids the broker has clients for (clients with their own device role). */
  async provisionedDevices(): Promise<string[]> {
    const [answer] = await this.admin.run([{ command: 'listClients', verbose: true }]);
    const clients = (answer!.data?.clients ?? []) as Array<{ username: string; roles?: Array<{ rolename: string }> }>;
    return clients
      .filter((c) => c.roles?.some((r) => r.rolename === deviceRole(c.username)))
      .map((c) => c.username)
      .sort();
  }

  /** Removes broker access of devices the registry does not know or has revoked; reports devices the broker lacks. */
  async reconcile(registry: readonly Device[]): Promise<ReconcileResult> {
    const active = new Set(registry.filter((d) => d.revokedAt === null).map((d) => d.id));
    const provisioned = await this.provisionedDevices();
    const revoked = provisioned.filter((id) => !active.has(id));
    for (const id of revoked) await this.revokeDevice(id);
    const have = new Set(provisioned);
    return { revoked, missing: [...active].filter((id) => !have.has(id)).sort() };
  }

  private async upsertClient(client: { username: string; password: string; roles: Array<{ rolename: string }> }) {
    const [created] = await this.admin.run([{ command: 'createClient', ...client }], EXISTS);
    if (created!.error) {
      const update: DynsecCommand[] = [
        { command: 'setClientPassword', username: client.username, password: client.password },
        { command: 'modifyClient', username: client.username, roles: client.roles },
        { command: 'enableClient', username: client.username },
      ];
      await this.admin.run(update);
    }
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}
