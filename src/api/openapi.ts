import { createDocument } from 'zod-openapi';
import {
  customerDetailSchema,
  customerParams,
  customersPage,
  customersQuery,
  errorSchema,
  followUpsPage,
  followUpsQuery,
} from './schemas.js';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const errors = {
  '400': { description: 'A query parameter is wrong; `message` says which and why.', ...json(errorSchema) },
  '401': { description: 'No `Authorization: Bearer <GENJIN_ADMIN_TOKEN>`, or a wrong token.', ...json(errorSchema) },
  '503': { description: 'No workspace to serve: set GENJIN_ADMIN_WORKSPACE.', ...json(errorSchema) },
};

/** The OpenAPI 3.1 document of the admin API, generated from the schemas the routes validate with. */
export function adminApiDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'genjin admin API',
      version: '1',
      description:
        'Read-only access to one workspace (GENJIN_ADMIN_WORKSPACE, or the only one) for ERP/OA integration. Times are UTC ISO 8601.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'GENJIN_ADMIN_TOKEN' } } },
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/customers': {
        get: {
          summary: 'Customers, filtered, in pages by id',
          requestParams: { query: customersQuery },
          responses: { '200': { description: 'One page', ...json(customersPage) }, ...errors },
        },
      },
      '/api/v1/customers/{id}': {
        get: {
          summary: 'One customer with its latest follow-ups and owner history',
          requestParams: { path: customerParams },
          responses: {
            '200': { description: 'The customer', ...json(customerDetailSchema) },
            '404': { description: 'No such customer in this workspace', ...json(errorSchema) },
            ...errors,
          },
        },
      },
      '/api/v1/follow-ups': {
        get: {
          summary: 'Follow-ups created or changed since a time (incremental sync), in pages',
          requestParams: { query: followUpsQuery },
          responses: { '200': { description: 'One page, oldest change first', ...json(followUpsPage) }, ...errors },
        },
      },
    },
  });
}
