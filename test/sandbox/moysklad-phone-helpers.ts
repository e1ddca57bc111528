// Shared fixtures for the Phone API sandbox tests: an in-memory directory and an HTTP client.
import Fastify, { type FastifyInstance } from 'fastify';
import { createMemoryPhoneDirectory, createPhoneSandbox, type MemoryPhoneAccount, type PhoneSandbox, type PhoneSandboxOptions } from '../../src/sandbox/moysklad/phone/index.ts';

export const KEY_A = 'd03627d59c1948a0f9a6aa1e267c954bfd0301ec';
export const KEY_B = 'b1b2b3b4b5b6b7b8b9b0b1b2b3b4b5b6b7b8b9b0';
const REMAP = 'https://api.moysklad.ru/api/remap/1.2/entity';

export const EMP = {
  anna: { id: '11111111-0000-4000-8000-000000000101', name: 'Анна', extension: '101', uid: 'anna@acme' },
  boris: { id: '11111111-0000-4000-8000-000000000102', name: 'Борис', extension: '102', uid: 'boris@acme' },
  vera: { id: '11111111-0000-4000-8000-000000000201', name: 'Вера', extension: '201', uid: 'vera@acme' },
  gleb: { id: '11111111-0000-4000-8000-000000000999', name: 'Глеб', uid: 'gleb@acme' },
};
export const CP_ID = '22222222-0000-4000-8000-000000000001';

export function accounts(): MemoryPhoneAccount[] {
  const emp = (e: (typeof EMP)[keyof typeof EMP]) => ({ ...e, href: `${REMAP}/employee/${e.id}` });
  return [
    {
      id: 'acc-a',
      settings: { apiKey: KEY_A },
      employees: [emp(EMP.anna), emp(EMP.boris), emp(EMP.vera), emp(EMP.gleb)],
      counterparties: [
        { id: CP_ID, href: `${REMAP}/counterparty/${CP_ID}`, name: 'ООО <Ромашка>', ownerId: EMP.boris.id, phones: ['+7 (495) 999-99-99'] },
      ],
    },
    { id: 'acc-b', settings: { apiKey: KEY_B }, employees: [], counterparties: [] },
  ];
}

export interface Harness {
  app: FastifyInstance;
  phone: PhoneSandbox;
  base: string;
  dir: ReturnType<typeof createMemoryPhoneDirectory>;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function startPhone(opts: Partial<PhoneSandboxOptions> = {}, accs = accounts()): Promise<Harness> {
  const dir = createMemoryPhoneDirectory(accs);
  const phone = createPhoneSandbox({ directory: dir, ...opts });
  const app = Fastify({ logger: false });
  await app.register(phone.plugin, { prefix: '/api/phone/1.0' });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `${address}/api/phone/1.0`;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const res = await fetch(base + path, {
      method,
      headers: { 'lognex-phone-auth-token': KEY_A, 'accept-encoding': 'gzip', 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return { app, phone, base, dir, api };
}

let seq = 0;
export const extId = (tag: string): string => `${tag}-${process.pid}-${++seq}`;

export const newCall = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  number: '+79001234567',
  isIncoming: true,
  startTime: '2026-03-01 10:00:00.000',
  ...extra,
});
