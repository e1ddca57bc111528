// A stored reference to another object. Hrefs are built at serialisation time from the base URL
// of the request, so the same store serves 127.0.0.1, localhost or a public host name.
export class Ref {
  constructor(
    /** meta.type, e.g. "counterparty", "state", "attributemetadata", "pricetype" */
    readonly type: string,
    /** path after /api/remap/1.2/, e.g. "entity/counterparty/<id>" */
    readonly path: string,
  ) {}

  get id(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  static entity(type: string, id: string): Ref {
    return new Ref(type, `entity/${type}/${id}`);
  }

  static state(entityType: string, id: string): Ref {
    return new Ref('state', `entity/${entityType}/metadata/states/${id}`);
  }
}

const API_PATH = '/api/remap/1.2/';

/** Extracts the API-relative path from any href (host is not checked: clients often keep api.moysklad.ru). */
export function hrefToPath(href: string): string | undefined {
  const i = href.indexOf(API_PATH);
  if (i < 0) return undefined;
  const rest = href.slice(i + API_PATH.length).split('?')[0] ?? '';
  return rest.replace(/\/+$/, '');
}
