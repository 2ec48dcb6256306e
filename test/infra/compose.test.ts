// No Docker engine runs here: check that docker-compose.yml parses and that everything it mounts or builds exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, runCli } from '../support/cli.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  volumes?: string[];
  command?: string[];
  environment?: Record<string, string>;
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

test('the production topology has mosquitto, influxdb 1.8, ingest and api', () => {
  expect(Object.keys(compose.services).sort()).toEqual(['api', 'influxdb', 'ingest', 'mosquitto']);
  expect(compose.services.influxdb!.image).toBe('influxdb:1.8');
  expect(compose.services.ingest!.command).toEqual(['ingest']);
  expect(compose.services.api!.command).toEqual(['api']);
});

test('every bind-mounted file and build input exists, and every named volume is declared', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.') || source.startsWith('/')) {
        expect([name, source, existsSync(join(REPO_ROOT, source))]).toEqual([name, source, true]);
      } else {
        expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
    if (service.build) {
      expect(existsSync(join(REPO_ROOT, service.build.context, service.build.dockerfile))).toBe(true);
    }
  }
});

test('every RESTPOSE_* variable the compose file sets is a setting of the command that service runs', () => {
  const checked: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const variables = Object.keys(service.environment ?? {}).filter((v) => v.startsWith('RESTPOSE_'));
    if (variables.length === 0) continue;
    const help = runCli([...service.command!, '--help']);
    expect(help.status).toBe(0);
    const settings = new Set([...help.stdout.matchAll(/env\s+(RESTPOSE_[A-Z0-9_]+)/g)].map((m) => m[1]!));
    for (const variable of variables) {
      expect([name, variable, settings.has(variable)]).toEqual([name, variable, true]);
      checked.push(variable);
    }
  }
  expect(checked).toEqual(expect.arrayContaining(['RESTPOSE_STORE', 'RESTPOSE_INFLUX_URL']));
});
