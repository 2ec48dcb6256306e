// `restpose mosquitto ...`: keeps Mosquitto's dynamic security plugin in step with the registry (docs/operations.md).
//   sync            ingest's service account, and revocation of broker access the registry no longer grants
//   add-device      registers a device with a new secret (shown once) and gives it access to its own topics
//   revoke-device   revokes a device in the registry and disconnects it from the broker at once
import { MosquittoAccess } from '@restpose/ingest';
import { hashSecret, isValidDeviceId, newSecret } from '@restpose/protocol';
import { openStore, type Store } from '@restpose/store';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import {
  brokerSettings,
  ConfigError,
  type ConfigOf,
  common,
  loadConfig,
  type Settings,
  storeSettings,
} from '../settings.js';
import { storeConfig } from '../system.js';

const brokerAdminSettings = {
  ...common,
  ...storeSettings,
  brokerUrl: {
    flag: 'broker-url',
    env: 'RESTPOSE_BROKER_URL',
    describe: 'the Mosquitto broker, e.g. mqtt://mosquitto:1883',
    schema: z
      .string({ message: 'required: the broker (--broker-url mqtt://host:port)' })
      .regex(/^mqtts?:\/\/[^/\s]+$/, 'expected mqtt://host:port or mqtts://host:port'),
  },
  dynsecUsername: brokerSettings.dynsecUsername,
  dynsecPassword: {
    ...brokerSettings.dynsecPassword,
    schema: z.string({ message: 'required: the dynamic security admin password' }).min(1, 'expected a password'),
  },
} satisfies Settings;

const deviceIdSetting = {
  deviceId: {
    flag: 'device-id',
    env: 'RESTPOSE_DEVICE_ID',
    describe: 'the device id (1-64 letters, digits, "_", "." or "-")',
    schema: z
      .string({ message: 'required: --device-id' })
      .refine(isValidDeviceId, 'expected 1-64 letters, digits, "_", "." or "-", starting with a letter or digit'),
  },
} satisfies Settings;

const syncSettings = {
  ...brokerAdminSettings,
  ingestUsername: {
    flag: 'ingest-username',
    env: 'RESTPOSE_INGEST_USERNAME',
    describe: "ingest's MQTT user, created or updated when --ingest-password is given",
    default: 'restpose-ingest',
    schema: z.string().min(1, 'expected a user name'),
  },
  ingestPassword: {
    flag: 'ingest-password',
    env: 'RESTPOSE_INGEST_PASSWORD',
    describe: "ingest's MQTT password",
    schema: z.string().min(1, 'expected a password').optional(),
    secret: true,
  },
} satisfies Settings;

const addSettings = { ...brokerAdminSettings, ...deviceIdSetting };

async function withAccess<T>(
  config: ConfigOf<typeof brokerAdminSettings>,
  work: (access: MosquittoAccess, store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(storeConfig(config));
  try {
    const access = await MosquittoAccess.connect({
      brokerUrl: config.brokerUrl,
      username: config.dynsecUsername,
      password: config.dynsecPassword,
    }).catch((err: Error) => {
      throw new ConfigError(`--broker-url=${JSON.stringify(config.brokerUrl)}: ${err.message}`);
    });
    try {
      return await work(access, store);
    } finally {
      await access.close();
    }
  } finally {
    await store.close();
  }
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export function registerMosquitto(program: Command): void {
  const mosquitto = program
    .command('mosquitto')
    .description("keep Mosquitto's dynamic security plugin in step with the device registry");

  addSettingOptions(
    mosquitto
      .command('sync')
      .description("provision ingest's account; remove broker access of revoked or unknown devices"),
    syncSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(syncSettings, flags, process.env);
    await withAccess(config, async (access, store) => {
      if (config.ingestPassword) await access.provisionIngest(config.ingestUsername, config.ingestPassword);
      const result = await access.reconcile(await store.listDevices());
      print({ ingestAccount: config.ingestPassword ? config.ingestUsername : null, ...result });
    });
  });

  addSettingOptions(
    mosquitto
      .command('add-device')
      .description(
        'register a device (or give it a new secret) and let it reach its own topics; prints the secret once',
      )
      .option('--rekey', 'issue a new secret for a device that is already registered'),
    addSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(addSettings, flags, process.env);
    await withAccess(config, async (access, store) => {
      const existing = await store.getDevice(config.deviceId);
      if (existing && existing.revokedAt === null && flags.rekey !== true) {
        throw new ConfigError(`--device-id=${config.deviceId}: already registered; add --rekey to issue a new secret`);
      }
      const secret = newSecret();
      const now = Date.now();
      await store.upsertDevice({
        id: config.deviceId,
        secretHash: hashSecret(secret),
        mounting: existing?.mounting ?? null,
        createdAt: existing?.createdAt ?? now,
        revokedAt: null,
      });
      await access.provisionDevice(config.deviceId, secret);
      print({ deviceId: config.deviceId, secret, note: 'shown once: put it on the device now' });
    });
  });

  addSettingOptions(
    mosquitto.command('revoke-device').description('revoke a device in the registry and disconnect it from the broker'),
    addSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(addSettings, flags, process.env);
    await withAccess(config, async (access, store) => {
      const existing = await store.getDevice(config.deviceId);
      if (!existing) throw new ConfigError(`--device-id=${config.deviceId}: no such device in the registry`);
      const revokedAt = existing.revokedAt ?? Date.now();
      await store.upsertDevice({ ...existing, revokedAt });
      await access.revokeDevice(config.deviceId);
      print({ deviceId: config.deviceId, revokedAt: new Date(revokedAt).toISOString() });
    });
  });
}
