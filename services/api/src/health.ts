// What /healthz reports: each component's state, and an overall state derived from them.
import { z } from 'zod';

export const componentStateSchema = z.enum(['up', 'degraded', 'down']);
export const componentHealthSchema = z.object({
  state: componentStateSchema,
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type ComponentHealth = z.infer<typeof componentHealthSchema>;

export type HealthProvider = () => Promise<Record<string, ComponentHealth>>;

export const healthReportSchema = z.object({
  status: componentStateSchema,
  components: z.record(z.string(), componentHealthSchema),
});

export function overallState(components: Record<string, ComponentHealth>): ComponentHealth['state'] {
  const states = Object.values(components).map((c) => c.state);
  if (states.includes('down')) return 'down';
  if (states.includes('degraded')) return 'degraded';
  return 'up';
}
