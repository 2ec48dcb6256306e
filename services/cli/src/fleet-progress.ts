// The progress of a device fleet: one line rewritten in place on a terminal, plain periodic lines otherwise.
import type { DeviceFleet, FleetProgress } from '@restpose/simulator';

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(p: FleetProgress, now: number, batchesPerSec: number): string {
  const behind = now - p.dataMs;
  const data = Number.isFinite(p.dataMs) ? new Date(p.dataMs).toISOString().slice(0, 19).replace('T', ' ') : '-';
  const parts = [
    `${p.connected}/${p.devices} connected`,
    `data ${data}Z${behind > 5000 ? ` (${duration(behind)} behind)` : ' (live)'}`,
    `published ${p.published}`,
    `acked ${p.acknowledged}`,
    `in flight ${p.inFlight}`,
    `${Math.round(batchesPerSec)} batches/s`,
  ];
  if (p.dropped) parts.push(`dropped ${p.dropped}`);
  if (p.duplicated) parts.push(`duplicated ${p.duplicated}`);
  if (p.resent) parts.push(`resent ${p.resent}`);
  if (p.reconnects) parts.push(`reconnects ${p.reconnects}`);
  if (p.errors) parts.push(`rejected ${p.errors}`);
  return parts.join(' | ');
}

/** Starts the display; returns a function that prints the last line and stops it. */
export function showFleetProgress(fleet: DeviceFleet, out: NodeJS.WriteStream = process.stderr): () => void {
  const tty = out.isTTY === true;
  let last = { at: Date.now(), published: 0 };
  const render = () => {
    const now = Date.now();
    const p = fleet.progress();
    const rate = ((p.published - last.published) * 1000) / Math.max(1, now - last.at);
    last = { at: now, published: p.published };
    return progressLine(p, now, rate);
  };
  const timer = setInterval(
    () => out.write(tty ? `\r\x1b[2K${render().slice(0, (out.columns ?? 200) - 1)}` : `${render()}\n`),
    tty ? 500 : 10_000,
  );
  return () => {
    clearInterval(timer);
    out.write(tty ? `\r\x1b[2K${render()}\n` : `${render()}\n`);
  };
}
