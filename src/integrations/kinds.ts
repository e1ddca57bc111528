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
