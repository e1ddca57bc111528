import type { FastifyInstance } from 'fastify';
import type { SandboxControl } from '../control.ts';
import { MsError } from '../json/errors.ts';
import type { FaultRule, LatencyRule } from '../traffic/control.ts';
import type { AccountOptions, SeedOptions } from '../options.ts';
import { renderInspector } from './inspector.ts';

type P = Record<string, string>;
type Body = Record<string, unknown>;

/**
 * Sandbox-only control endpoints under /__sandbox (no gzip, no auth: local tool).
 * Entity writes here act as the account's administrator in the MoySklad UI and fire webhooks.
 */
export async function adminRoutes(app: FastifyInstance, opts: { control: SandboxControl; phoneSection?: (accountId: string) => string }): Promise<void> {
  const { control } = opts;
  app.setErrorHandler((e: unknown, _req, reply) => {
    if (e instanceof MsError) return reply.code(e.status).send(e.body());
    return reply.code(400).send({ error: (e as Error).message });
  });

  app.get('/', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const accounts = control.state.registry.list();
    const current = (q['account'] && control.state.registry.get(q['account'])) || accounts[0];
    if (!current) return reply.code(404).type('text/plain; charset=utf-8').send('Нет аккаунтов');
    const html = renderInspector({
      accounts, current, limit: Math.min(500, Number(q['limit'] ?? 50) || 50),
      ...(opts.phoneSection ? { phoneSection: opts.phoneSection } : {}),
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.get('/accounts', async () => control.accounts.list());
  app.post('/accounts', async (req) => control.accounts.add(req.body as AccountOptions));
  app.delete('/accounts/:name', async (req) => ({ removed: control.accounts.remove((req.params as P)['name'] ?? '') }));
  app.post('/accounts/:name/rotate', async (req) => control.accounts.rotate((req.params as P)['name'] ?? '', (req.body ?? {}) as Body));
  app.post('/accounts/:name/seed', async (req) => control.accounts.seed((req.params as P)['name'] ?? '', (req.body ?? {}) as SeedOptions));
  app.put('/accounts/:name/phone-provider-url', async (req) => {
    const url = (req.body as Body | undefined)?.['url'];
    control.accounts.setPhoneProviderUrl((req.params as P)['name'] ?? '', typeof url === 'string' ? url : undefined);
    return { ok: true };
  });
  app.post('/reset', async () => {
    control.reset();
    return { ok: true };
  });

  app.get('/faults', async () => control.faults.list());
  app.post('/faults', async (req) => ({ id: control.faults.add(req.body as FaultRule) }));
  app.delete('/faults', async () => {
    control.faults.clear();
    return { ok: true };
  });
  app.delete('/faults/:id', async (req) => ({ removed: control.faults.remove((req.params as P)['id'] ?? '') }));

  app.get('/latency', async () => ({ default: control.state.traffic.defaultLatency, rules: control.latency.list() }));
  app.put('/latency', async (req) => {
    const b = (req.body ?? {}) as Body;
    if (b['default'] && typeof b['default'] === 'object') {
      const d = b['default'] as { ms?: number; jitterMs?: number };
      control.latency.setDefault(d.ms ?? 0, d.jitterMs ?? 0);
    }
    for (const r of (b['rules'] as LatencyRule[] | undefined) ?? []) control.latency.set(r);
    return { ok: true };
  });
  app.delete('/latency', async () => {
    control.latency.clear();
    return { ok: true };
  });

  app.get('/counters', async (req) => control.counters.get((req.query as Record<string, string | undefined>)['account']));
  app.delete('/counters', async () => {
    control.counters.reset();
    return { ok: true };
  });

  app.get('/webhooks/deliveries', async () => control.webhooks.deliveries());

  app.post('/accounts/:name/entity/:type', async (req) => {
    const { name = '', type = '' } = req.params as P;
    return control.admin.create(name, type, (req.body ?? {}) as Body);
  });
  app.get('/accounts/:name/entity/:type/:id', async (req, reply) => {
    const { name = '', type = '', id = '' } = req.params as P;
    const e = control.admin.get(name, type, id);
    return e ?? reply.code(404).send({ error: 'not found' });
  });
  app.put('/accounts/:name/entity/:type/:id', async (req) => {
    const { name = '', type = '', id = '' } = req.params as P;
    return control.admin.update(name, type, id, (req.body ?? {}) as Body);
  });
  app.delete('/accounts/:name/entity/:type/:id', async (req) => {
    const { name = '', type = '', id = '' } = req.params as P;
    control.admin.delete(name, type, id);
    return { ok: true };
  });
}
