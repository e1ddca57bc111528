// Response shapes shared by several routes (also what /api/openapi.json documents).
import { z } from 'zod';
import { CREDENTIAL_KINDS } from '../../db/schema/credentials.ts';
import { INTEGRATION_KINDS } from '../../db/schema/integrations.ts';

export const idParams = z.object({ id: z.uuid('must be an id (uuid)') });

export const userSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  email: z.string(),
  role: z.enum(['owner', 'member']),
  isOperator: z.boolean(),
  createdAt: z.string(),
});

export const accountSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });

export const credentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CREDENTIAL_KINDS),
  login: z.string().nullable(),
  hasSecret: z.literal(true),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const integrationSchema = z.object({
  id: z.string(),
  kind: z.enum(INTEGRATION_KINDS),
  title: z.string(),
  name: z.string(),
  active: z.boolean(),
  credentialIds: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.unknown()),
  status: z.string(),
  statusReason: z.string().nullable(),
  hookUrls: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
