// Serves the dashboard from the API's own server: the page at `/`, its script, styles and icon under `/assets/`.
// Same origin as /api, so the API's Content-Security-Policy (default-src 'self') holds with no exception: no inline
// script, nothing from another host.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Asset, dashboardAssets } from './bundle.js';

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  // Revalidated on every load (cheap: 304 by ETag), so a restarted server with new code is picked up at once.
  reply.header('cache-control', 'no-cache').header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/** Registers the dashboard on an API server (pass it as `buildApi({ dashboard: registerDashboard })`). */
export async function registerDashboard(app: FastifyInstance): Promise<void> {
  const assets = await dashboardAssets();
  const page = assets.get('/')!;
  app.get('/', { schema: { hide: true } }, (request, reply) => send(request, reply, page));
  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, (request, reply) => {
    const asset = assets.get(`/assets/${request.params.file}`);
    if (!asset)
      return reply.code(404).send({ error: 'Not Found', message: `no dashboard file ${request.params.file}` });
    return send(request, reply, asset);
  });
}
