// The page MoySklad would wrap around a widget: an iframe loading sourceUrl with contextKey, appUid,
// appId and userLocale, and the `Open` postMessage (extension point + object id) on every open.
// Messages in both directions are posted back to the sandbox so tests and the inspector see them.

export interface WidgetHostParams {
  sourceUrl: string;
  contextKey: string;
  appUid: string;
  appId: string;
  accountId: string;
  extensionPoint: string;
  objectId: string | null;
  heightPx: number;
  messagesUrl: string;
}

const esc = (v: string): string =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function widgetSrc(p: Pick<WidgetHostParams, 'sourceUrl' | 'contextKey' | 'appUid' | 'appId'>): string {
  const url = new URL(p.sourceUrl);
  url.searchParams.set('contextKey', p.contextKey);
  url.searchParams.set('appUid', p.appUid);
  url.searchParams.set('appId', p.appId);
  url.searchParams.set('userLocale', 'ru_RU');
  return url.toString();
}

export function renderWidgetHostPage(p: WidgetHostParams): string {
  const src = widgetSrc(p);
  const cfg = JSON.stringify({
    src,
    accountId: p.accountId,
    appId: p.appId,
    extensionPoint: p.extensionPoint,
    objectId: p.objectId,
    messagesUrl: p.messagesUrl,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>МойСклад (песочница): ${esc(p.extensionPoint)}</title></head>
<body>
<h1>Песочница МойСклад: ${esc(p.extensionPoint)}</h1>
<p>Объект: <code>${esc(p.objectId ?? 'новый')}</code></p>
<iframe id="ms-widget" src="${esc(src)}" width="400" height="${p.heightPx}"
  sandbox="allow-forms allow-scripts allow-same-origin allow-popups allow-modals allow-downloads"
  allow="clipboard-read; clipboard-write" style="border:1px solid #ccc"></iframe>
<script>
(() => {
  const cfg = ${cfg};
  const frame = document.getElementById('ms-widget');
  const targetOrigin = new URL(cfg.src).origin;
  let messageId = 0;
  const record = (direction, message) => fetch(cfg.messagesUrl, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId: cfg.accountId, appId: cfg.appId, extensionPoint: cfg.extensionPoint, direction, message }),
  }).catch(() => {});
  function open(objectId) {
    const message = { name: 'Open', messageId: ++messageId, extensionPoint: cfg.extensionPoint,
      objectId: objectId === undefined ? cfg.objectId : objectId, displayMode: 'expanded' };
    frame.contentWindow.postMessage(message, targetOrigin);
    record('host->widget', message);
    return message.messageId;
  }
  frame.addEventListener('load', () => open());
  window.addEventListener('message', (e) => {
    if (e.source === frame.contentWindow) record('widget->host', e.data);
  });
  window.msSandbox = { open };
})();
</script>
</body></html>`;
}
