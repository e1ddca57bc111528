// HTTP requests exactly as UIS would send them: the published notification templates rendered
// with renderLikeUis (call events), Chat API adapter callbacks (chat events).
import { notificationTemplatesFor, renderLikeUis, isUisEventKey, type UisNotificationTemplate } from '../../../uis/index.ts';
import type { ChatEventKey, SimRenderer, SimVars } from './types.ts';

export interface RendererOptions {
  /** Notification base URL (the integration's `/hooks/uis/<secret>`); each event appends `/<eventKey>`. */
  target?: string | null;
  /** Chat API adapter webhook_url; null = chat events are not POSTed. */
  chatTarget?: string | null;
  /** UIS's webhook Content-Type is [UNK]; JSON by default. */
  contentType?: string;
}

const CHAT_PATHS: Record<ChatEventKey, string> = {
  'chat-new': '/chat',
  'chat-message': '/message',
  'chat-closed': '/chat/close',
  'offline-message': '/offline_message',
};

export function createUisRenderer(opts: RendererOptions): SimRenderer {
  const templates = new Map<string, UisNotificationTemplate>(
    opts.target ? notificationTemplatesFor(opts.target).map((t) => [t.eventKey, t]) : [],
  );
  const contentType = opts.contentType ?? 'application/json';
  const chatBase = opts.chatTarget ? opts.chatTarget.replace(/\/+$/, '') : null;
  return (eventKey, vars: SimVars) => {
    if (isUisEventKey(eventKey)) {
      const t = templates.get(eventKey);
      if (!t) return null;
      return { method: t.method, url: t.url, body: renderLikeUis(t.bodyTemplate, vars), contentType };
    }
    if (!chatBase) return null;
    return { method: 'POST', url: chatBase + CHAT_PATHS[eventKey], body: JSON.stringify(vars), contentType: 'application/json' };
  };
}

/** "Название уведомления" as our published templates name each event. */
export function notificationNameFor(eventKey: string): string {
  return NAMES.get(eventKey) ?? eventKey;
}
const NAMES = new Map(notificationTemplatesFor('http://x').map((t) => [t.eventKey as string, t.name]));
