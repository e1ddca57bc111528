// What each integration kind needs: which credentials (by role) and which settings.
// Settings are strict zod objects with defaults, so a typo in a setting is a 400, not silence.
import { z } from 'zod';
import type { CredentialKind } from '../db/schema/credentials.ts';
import type { IntegrationKind } from '../db/schema/integrations.ts';

export type CredentialRole = { kinds: readonly CredentialKind[]; required: boolean; label: string };

const moyskladJson = ['moysklad-basic', 'moysklad-token'] as const;

export const KIND_DEFINITIONS = {
  'moysklad-deals': {
    title: 'МойСклад — передача сделок',
    roles: {
      moysklad: { kinds: moyskladJson, required: true, label: 'Авторизация в МойСклад (логин и пароль или токен)' },
    },
    settings: z.strictObject({}),
  },
  'moysklad-telephony': {
    title: 'МойСклад — телефония',
    roles: {
      phoneKey: { kinds: ['moysklad-phone-key'], required: true, label: 'Ключ доступа приложения «Телефония»' },
      moysklad: { kinds: moyskladJson, required: false, label: 'JSON API МойСклад (имена, контрагенты, заказы, задачи)' },
      uis: { kinds: ['uis-api-key'], required: false, label: 'Ключ API UIS' },
    },
    settings: z.strictObject({
      /** «Показывать внутренние звонки»: log employee-to-employee calls in MoySklad. */
      showInternalCalls: z.boolean().default(false),
      /** Click-to-call signature check: log mismatches only (default) or reject them. */
      clickToCallSignature: z.enum(['log', 'enforce']).default('log'),
      /** UIS virtual number (E.164 digits) shown to the client on click-to-call; required by start.employee_call. */
      clickToCallVirtualNumber: z.string().regex(/^\d{11,15}$/, 'E.164 digits, e.g. 74950000001').optional(),
      /** «Переадресация на персонального менеджера»: answer UIS interactive call processing. */
      routingEnabled: z.boolean().default(true),
      /** What we answer for an unknown client or an owner without a UIS employee: {"returned_code": N}. */
      routingReturnedCode: z.number().int().min(0).max(999).default(1),
      /** Longest wait for MoySklad when the number is not in the local index (then returned_code). */
      routingColdLookupTimeoutMs: z.number().int().min(50).max(5000).default(800),
    }),
  },
  'moysklad-chats': {
    title: 'МойСклад — текстовые коммуникации',
    roles: {
      moysklad: { kinds: moyskladJson, required: true, label: 'JSON API МойСклад' },
      uis: { kinds: ['uis-api-key'], required: false, label: 'Ключ API UIS' },
    },
    settings: z.strictObject({}),
  },
} as const satisfies Record<IntegrationKind, { title: string; roles: Record<string, CredentialRole>; settings: z.ZodType }>;

export type SettingsOf<K extends IntegrationKind> = z.infer<(typeof KIND_DEFINITIONS)[K]['settings']>;

export function parseSettings(kind: IntegrationKind, input: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const r = KIND_DEFINITIONS[kind].settings.safeParse(input ?? {});
  if (r.success) return { ok: true, value: r.data as Record<string, unknown> };
  const i = r.error.issues[0]!;
  return { ok: false, reason: `settings${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}` };
}
