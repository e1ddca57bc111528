// The inbound URLs we show users. The integration's secret is the only credential UIS can carry
// (UIS notifications have no signature), so it lives in the path.
import type { IntegrationKind } from '../db/schema/integrations.ts';

export type HookUrls = Record<string, string>;

export function hookUrlsFor(publicUrl: string, kind: IntegrationKind, secret: string): HookUrls {
  switch (kind) {
    case 'moysklad-telephony':
      return {
        /** «Адрес провайдера телефонии» in MoySklad: click-to-call requests arrive here. */
        webhookUrl: `${publicUrl}/hooks/moysklad/${secret}/phone`,
        /** Base of the UIS notification URLs: one path segment per event is appended. */
        uisNotificationsBase: `${publicUrl}/hooks/uis/${secret}`,
        /** UIS «Интерактивная обработка вызова» → personal manager routing. */
        uisRouting: `${publicUrl}/hooks/uis/${secret}/routing`,
      };
    case 'moysklad-deals':
      return { moyskladWebhook: `${publicUrl}/hooks/moysklad/${secret}/webhook` };
    case 'moysklad-chats':
      return {
        moyskladWebhook: `${publicUrl}/hooks/moysklad/${secret}/webhook`,
        uisChats: `${publicUrl}/hooks/uis/${secret}/chats`,
      };
  }
}
