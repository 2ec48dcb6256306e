// Devices, for provisioning tokens and admins: who wears each one and how it is mounted. No health data.
import type { DeviceOut } from '@restpose/api';
import { Load, useTitle } from '../components.js';
import { useApi } from '../lib/use-api.js';

export function DevicesView() {
  useTitle('Devices');
  const devices = useApi<{ devices: DeviceOut[] }>('/devices');
  return (
    <>
      <h1>Devices</h1>
      <p class="muted">
        Provisioning, rotating and revoking credentials are API calls (see <a href="/docs">/docs</a>): credentials are
        shown once, to the tool that asked.
      </p>
      <Load loaded={devices} what="the devices">
        {(data) =>
          data.devices.length === 0 ? (
            <p class="muted">No devices are registered.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Worn by</th>
                  <th scope="col">Mounting</th>
                  <th scope="col">Registered</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {data.devices.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">{d.id}</th>
                    <td>{d.subjectId ?? <span class="muted">nobody</span>}</td>
                    <td>{d.mounting ? 'configured' : 'estimated from the data'}</td>
                    <td>{d.createdAt.slice(0, 10)}</td>
                    <td>{d.revokedAt ? `revoked ${d.revokedAt.slice(0, 10)}` : 'active'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </>
  );
}
