import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { createLogger } from '../logger.js';
import { postureSettings } from '../posture-model.js';
import { apiSettings, brokerSettings, common, ingestSettings, loadConfig, storeSettings } from '../settings.js';
import { type RunningSystem, startSystem } from '../system.js';

/** Every component's settings: `ingest` and `api` take them all, `start` these and its demo devices. */
const componentSettings = {
  ...common,
  ...storeSettings,
  ...brokerSettings,
  ...ingestSettings,
  ...apiSettings,
  ...postureSettings,
};

const startSettings = {
  ...componentSettings,
  demoDevices: {
    flag: 'demo-devices',
    env: 'RESTPOSE_DEMO_DEVICES',
    describe: 'simulated devices publishing demo telemetry (0, or --no-demo, for none)',
    default: '3',
    schema: z.coerce.number({ message: 'expected a whole number' }).int('expected a whole number').min(0).max(50),
  },
};

/** Stops everything on SIGINT/SIGTERM; a second signal exits at once. */
export function stopOnSignals(running: { stop(): Promise<void> }, log: (line: string) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${signal}: shutting down (again to force)`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function banner(system: RunningSystem, dataDir: string): string {
  const lines = [
    '',
    'restpose is running',
    `  Dashboard    ${system.apiUrl}/   (sign in with the admin token)`,
    `  API          ${system.apiUrl}   (health: ${system.apiUrl}/healthz)`,
    `  MQTT broker  ${system.brokerUrl}`,
    `  Metrics      ${system.metricsUrl}/metrics   (ingest health: ${system.metricsUrl}/healthz)`,
    `  Admin token  ${system.adminToken}`,
    `               (kept in ${dataDir}/admin.token)`,
  ];
  if (system.demoCredentials.length > 0) {
    lines.push(
      `  Demo         ${system.demoCredentials.length} simulated devices are uploading last 15 minutes, then live`,
    );
  }
  lines.push(
    '',
    'Try:',
    `  curl -H "Authorization: Bearer $(cat ${dataDir}/admin.token)" ${system.apiUrl}/api/v1/subjects`,
    '',
    'Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}

/** `ingest` and `api` run one part each, for deployments with an external broker and InfluxDB. */
function registerComponent(program: Command, name: 'ingest' | 'api', description: string): void {
  addSettingOptions(program.command(name).description(description), componentSettings).action(
    async (flags: Record<string, unknown>) => {
      const config = loadConfig(componentSettings, flags, process.env);
      const logger = createLogger(config.logLevel);
      const system = await startSystem(
        { ...config, demoDevices: 0, components: { broker: false, ingest: name === 'ingest', api: name === 'api' } },
        logger,
      );
      logger.info(
        { api: system.apiUrl, broker: system.brokerUrl, metrics: system.metricsUrl },
        `restpose ${name} running`,
      );
      stopOnSignals(system, (line) => logger.info(line));
    },
  );
}

export function registerIngestAndApi(program: Command): void {
  registerComponent(
    program,
    'ingest',
    'run the ingest service alone, against an external broker (RESTPOSE_BROKER_URL)',
  );
  registerComponent(program, 'api', 'run the HTTP API alone');
}

export function registerStart(program: Command): void {
  addSettingOptions(
    program
      .command('start')
      .description('run the whole system: embedded MQTT broker, ingest, DuckDB store, API and demo devices')
      .option('--no-demo', 'start without simulated devices'),
    startSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(startSettings, flags, process.env);
    const logger = createLogger(config.logLevel);
    const system = await startSystem(
      {
        ...config,
        demoDevices: flags.demo === false ? 0 : config.demoDevices,
        components: { broker: true, ingest: true, api: true },
      },
      logger,
    );
    process.stdout.write(banner(system, config.dataDir));
    stopOnSignals(system, (line) => logger.info(line));
  });
}
