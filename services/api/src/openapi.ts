// The OpenAPI document is generated from the routes' zod schemas; Swagger UI serves it at /docs from local files.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'restpose API',
        version: '1.0.0',
        description:
          'Sleep posture, morning mobility and reported stiffness. Every /api route takes a bearer token; the ' +
          'roles that may call it are in its description. Guide: docs/api.md.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No requests to validator.swagger.io: nothing leaves the machine.
    uiConfig: { validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });
}
