// Devices: provisioning returns the MQTT credentials once; rotation makes new ones; revocation makes the broker
// refuse the device (and drop its open session). Assignment of devices to subjects over time, and each device's
// mounting (device-to-body rotation).
import {
  type Device,
  deviceIdSchema,
  deviceTopic,
  hashSecret,
  mountingSchema,
  newSecret,
  subjectIdSchema,
} from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../audit.js';
import { iso } from '../dates.js';
import type { DeviceChange, DeviceCredentialsSink } from '../device-credentials.js';
import { errorSchema, HttpError } from '../errors.js';

const ROLES = ['admin', 'provisioning'] as const;
const tags = ['devices'];
const isoInstant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with a time zone' });
const deviceParams = z.object({ id: deviceIdSchema });

const assignmentOut = z.object({ subjectId: z.string(), from: z.string(), to: z.string().nullable() });
const deviceOut = z.object({
  id: z.string(),
  mounting: mountingSchema.nullable().describe('device-to-body rotation; null: estimated from the data'),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  subjectId: z.string().nullable().describe('who wears it now'),
});
const credentialsOut = z
  .object({
    username: z.string(),
    password: z.string(),
    brokerUrl: z.string().nullable(),
    topics: z.object({ imu: z.string(), status: z.string(), config: z.string(), errors: z.string() }),
  })
  .describe('shown once: the registry keeps only a hash of the password');

export interface DeviceRouteOptions {
  credentials: DeviceCredentialsSink;
  /** The broker URL devices use, when known; included with new credentials. */
  brokerUrl: string | null;
}

export function registerDeviceRoutes(app: FastifyInstance, store: Store, options: DeviceRouteOptions): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const current = async (id: string) => {
    const open = (await store.assignmentsForDevice(id)).find((a) => a.to === null);
    return open?.subjectId ?? null;
  };
  const view = async (d: Device) => ({
    id: d.id,
    mounting: d.mounting,
    createdAt: iso(d.createdAt),
    revokedAt: d.revokedAt === null ? null : iso(d.revokedAt),
    subjectId: await current(d.id),
  });
  const credentials = (deviceId: string, password: string) => ({
    username: deviceId,
    password,
    brokerUrl: options.brokerUrl,
    topics: {
      imu: deviceTopic(deviceId, 'imu'),
      status: deviceTopic(deviceId, 'status'),
      config: deviceTopic(deviceId, 'config'),
      errors: deviceTopic(deviceId, 'errors'),
    },
  });
  const existing = async (id: string) => {
    const device = await store.getDevice(id);
    if (!device) throw new HttpError(404, `device ${id} does not exist`);
    return device;
  };
  /** Tells the broker; the registry already holds the change, so a failure asks the caller to retry. */
  const tellBroker = async (request: FastifyRequest, change: DeviceChange) => {
    try {
      await options.credentials.deviceChanged(change);
    } catch (err) {
      request.log.error({ err, device: change.device.id }, 'the broker was not told of a device change');
      throw new HttpError(
        503,
        `device ${change.device.id}: ${change.kind} is recorded but the broker did not take it; retry`,
      );
    }
  };

  api.get(
    '/api/v1/devices',
    {
      config: { roles: ROLES },
      schema: { summary: 'List devices', tags, response: { 200: z.object({ devices: z.array(deviceOut) }) } },
    },
    async () => ({ devices: await Promise.all((await store.listDevices()).map(view)) }),
  );

  api.post(
    '/api/v1/devices',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'Provision a device',
        description: 'Returns the device’s MQTT credentials, once.',
        tags,
        body: z.object({ id: deviceIdSchema, mounting: mountingSchema.nullable().default(null) }),
        response: { 201: z.object({ device: deviceOut, credentials: credentialsOut }), 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { id, mounting } = request.body;
      if (await store.getDevice(id))
        throw new HttpError(409, `device ${id} already exists; rotate its credentials instead`);
      const password = newSecret();
      const device: Device = { id, secretHash: hashSecret(password), mounting, createdAt: Date.now(), revokedAt: null };
      await store.upsertDevice(device);
      await recordAccess(store, request, 'device.provision', [], { device: id });
      await tellBroker(request, { kind: 'provisioned', device, password });
      return reply.code(201).send({ device: await view(device), credentials: credentials(id, password) });
    },
  );

  api.get(
    '/api/v1/devices/:id',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'One device with its assignment history',
        tags,
        params: deviceParams,
        response: { 200: z.object({ device: deviceOut, assignments: z.array(assignmentOut) }), 404: errorSchema },
      },
    },
    async (request) => {
      const device = await existing(request.params.id);
      const assignments = await store.assignmentsForDevice(device.id);
      return {
        device: await view(device),
        assignments: assignments.map((a) => ({
          subjectId: a.subjectId,
          from: iso(a.from),
          to: a.to === null ? null : iso(a.to),
        })),
      };
    },
  );

  api.post(
    '/api/v1/devices/:id/rotate',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'New credentials for a device',
        description: 'The old password stops working and open sessions are dropped. A revoked device stays revoked.',
        tags,
        params: deviceParams,
        response: {
          200: z.object({ device: deviceOut, credentials: credentialsOut }),
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request) => {
      const old = await existing(request.params.id);
      if (old.revokedAt !== null) throw new HttpError(409, `device ${old.id} is revoked; provision a new device`);
      const password = newSecret();
      const device = { ...old, secretHash: hashSecret(password) };
      await store.upsertDevice(device);
      await recordAccess(store, request, 'device.rotate', [], { device: device.id });
      await tellBroker(request, { kind: 'rotated', device, password });
      return { device: await view(device), credentials: credentials(device.id, password) };
    },
  );

  api.post(
    '/api/v1/devices/:id/revoke',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'Revoke a device',
        description:
          'The broker refuses it from now on and drops its open session; its current assignment ends now. ' +
          'Revoking again tells the broker again.',
        tags,
        params: deviceParams,
        response: { 200: z.object({ device: deviceOut }), 404: errorSchema },
      },
    },
    async (request) => {
      const old = await existing(request.params.id);
      const now = Date.now();
      const device = { ...old, revokedAt: old.revokedAt ?? now };
      if (old.revokedAt === null) {
        await store.upsertDevice(device);
        const subjectId = await current(device.id);
        await store.endAssignment(device.id, now);
        await recordAccess(store, request, 'device.revoke', subjectId ? [subjectId] : [], { device: device.id });
      }
      await tellBroker(request, { kind: 'revoked', device });
      return { device: await view(device) };
    },
  );

  api.put(
    '/api/v1/devices/:id/mounting',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'Set how the device sits on the body',
        description: 'A device-to-body rotation (row-major 3x3), or null to estimate it from the data.',
        tags,
        params: deviceParams,
        body: z.object({ mounting: mountingSchema.nullable() }),
        response: { 200: z.object({ device: deviceOut }), 404: errorSchema },
      },
    },
    async (request) => {
      const device = { ...(await existing(request.params.id)), mounting: request.body.mounting };
      await store.upsertDevice(device);
      await recordAccess(store, request, 'device.mounting', [], { device: device.id });
      return { device: await view(device) };
    },
  );

  api.post(
    '/api/v1/devices/:id/assignments',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'Assign the device to a subject from a time',
        description:
          'The assignment open at `from` ends there; one starting at the same time is replaced; an overlap with ' +
          'a later assignment is a 409.',
        tags,
        params: deviceParams,
        body: z.object({ subjectId: subjectIdSchema, from: isoInstant.optional().describe('default now') }),
        response: { 201: z.object({ assignment: assignmentOut }), 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const device = await existing(request.params.id);
      if (device.revokedAt !== null) throw new HttpError(409, `device ${device.id} is revoked`);
      const { subjectId } = request.body;
      if (!(await store.getSubject(subjectId))) throw new HttpError(404, `subject ${subjectId} does not exist`);
      const from = request.body.from ? Date.parse(request.body.from) : Date.now();
      await store.assignDevice({ deviceId: device.id, subjectId, from, to: null });
      await recordAccess(store, request, 'device.assign', [subjectId], { device: device.id, from: iso(from) });
      return reply.code(201).send({ assignment: { subjectId, from: iso(from), to: null } });
    },
  );

  api.post(
    '/api/v1/devices/:id/unassign',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'End the device’s current assignment',
        tags,
        params: deviceParams,
        body: z.object({ at: isoInstant.optional().describe('default now') }).default({}),
        response: { 200: z.object({ ended: z.literal(true), subjectId: z.string() }), 404: errorSchema },
      },
    },
    async (request) => {
      const device = await existing(request.params.id);
      const subjectId = await current(device.id);
      const at = request.body.at ? Date.parse(request.body.at) : Date.now();
      if (!subjectId || !(await store.endAssignment(device.id, at))) {
        throw new HttpError(404, `device ${device.id} has no current assignment`);
      }
      await recordAccess(store, request, 'device.unassign', [subjectId], { device: device.id, at: iso(at) });
      return { ended: true as const, subjectId };
    },
  );
}
