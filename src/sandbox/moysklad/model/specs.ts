// What the emulator knows about each JSON API entity: field kinds (for writes, filters, ordering),
// references (for validation and expand), search fields and capabilities.
export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'strings' | 'json';

export interface EntitySpec {
  type: string;
  fields: Record<string, FieldKind>;
  /** reference field → allowed meta types */
  refs: Record<string, string[]>;
  /** MetaArray sub-collections, expandable */
  metaArrays: Record<string, string>;
  required: string[];
  readOnly: string[];
  search: string[];
  deletable: boolean;
  /** lists hide archived=true unless the filter mentions archived */
  archivable: boolean;
  hasAttributes: boolean;
  hasStates: boolean;
  syncId: boolean;
}

const COMMON_FIELDS: Record<string, FieldKind> = {
  id: 'string',
  accountId: 'string',
  created: 'date',
  updated: 'date',
  name: 'string',
  code: 'string',
  externalCode: 'string',
  description: 'string',
  shared: 'boolean',
  archived: 'boolean',
};
const OWNER_REFS = { owner: ['employee'], group: ['group'] };

function spec(s: Partial<EntitySpec> & Pick<EntitySpec, 'type'>): EntitySpec {
  return {
    fields: { ...COMMON_FIELDS, ...(s.fields ?? {}) },
    refs: { ...OWNER_REFS, ...(s.refs ?? {}) },
    metaArrays: s.metaArrays ?? {},
    required: s.required ?? ['name'],
    readOnly: ['id', 'accountId', 'meta', 'created', 'updated', ...(s.readOnly ?? [])],
    search: s.search ?? ['name', 'code', 'externalCode', 'description'],
    deletable: s.deletable ?? true,
    archivable: s.archivable ?? true,
    hasAttributes: s.hasAttributes ?? false,
    hasStates: s.hasStates ?? false,
    syncId: s.syncId ?? false,
    type: s.type,
  };
}

export const SPECS: Record<string, EntitySpec> = {
  counterparty: spec({
    type: 'counterparty',
    fields: {
      syncId: 'string', email: 'string', phone: 'string', fax: 'string', actualAddress: 'string',
      legalAddress: 'string', legalTitle: 'string', inn: 'string', kpp: 'string', ogrn: 'string',
      ogrnip: 'string', okpo: 'string', legalFirstName: 'string', legalLastName: 'string',
      legalMiddleName: 'string', companyType: 'string', sex: 'string', discountCardNumber: 'string',
      tags: 'strings', birthDate: 'date', salesAmount: 'number', actualAddressFull: 'json',
      legalAddressFull: 'json', certificateNumber: 'string', certificateDate: 'date',
    },
    refs: { state: ['state'], priceType: ['pricetype'] },
    metaArrays: { contactpersons: 'contactperson', notes: 'note', accounts: 'account' },
    readOnly: ['salesAmount'],
    search: ['name', 'code', 'externalCode', 'legalTitle', 'discountCardNumber', 'email', 'phone', 'description', 'inn'],
    hasAttributes: true,
    hasStates: true,
    syncId: true,
  }),
  customerorder: spec({
    type: 'customerorder',
    fields: {
      syncId: 'string', moment: 'date', applicable: 'boolean', vatEnabled: 'boolean', vatIncluded: 'boolean',
      sum: 'number', vatSum: 'number', payedSum: 'number', shippedSum: 'number', invoicedSum: 'number',
      reservedSum: 'number', deliveryPlannedMoment: 'date', shipmentAddress: 'string', shipmentAddressFull: 'json',
      printed: 'boolean', published: 'boolean', taxSystem: 'string', rate: 'json', deleted: 'date',
    },
    refs: {
      agent: ['counterparty', 'organization'], organization: ['organization'], state: ['state'],
      store: ['store'], project: ['project'], salesChannel: ['saleschannel'], contract: ['contract'],
      agentAccount: ['account'], organizationAccount: ['account'],
    },
    metaArrays: { positions: 'customerorderposition', notes: 'note' },
    required: ['organization', 'agent'],
    readOnly: ['sum', 'vatSum', 'payedSum', 'shippedSum', 'invoicedSum', 'reservedSum', 'printed', 'published', 'deleted'],
    search: ['name', 'code', 'externalCode', 'description'],
    archivable: false,
    hasAttributes: true,
    hasStates: true,
    syncId: true,
  }),
  store: spec({
    type: 'store',
    fields: { address: 'string', pathName: 'string', addressFull: 'json' },
    refs: { parent: ['store'] },
    hasAttributes: true,
  }),
  saleschannel: spec({
    type: 'saleschannel',
    fields: { type: 'string' },
    required: ['name', 'type'],
    search: ['name', 'description'],
  }),
  project: spec({ type: 'project', hasAttributes: true }),
  organization: spec({
    type: 'organization',
    fields: {
      legalTitle: 'string', inn: 'string', kpp: 'string', email: 'string', phone: 'string',
      companyType: 'string', actualAddress: 'string', legalAddress: 'string',
    },
    search: ['name', 'code', 'externalCode', 'legalTitle', 'inn', 'email', 'phone'],
    hasAttributes: true,
  }),
  employee: spec({
    type: 'employee',
    fields: {
      firstName: 'string', middleName: 'string', lastName: 'string', fullName: 'string', shortFio: 'string',
      uid: 'string', email: 'string', phone: 'string', position: 'string', inn: 'string',
    },
    required: ['lastName'],
    readOnly: ['uid', 'shortFio', 'fullName', 'name'],
    search: ['name', 'email', 'phone', 'uid'],
    hasAttributes: true,
  }),
  task: spec({
    type: 'task',
    fields: { dueToDate: 'date', done: 'boolean', completed: 'date' },
    refs: {
      assignee: ['employee'], author: ['employee'], implementer: ['employee'],
      agent: ['counterparty', 'organization'], operation: ['customerorder'],
    },
    metaArrays: { notes: 'tasknote' },
    required: ['description', 'assignee'],
    readOnly: ['author', 'implementer', 'completed'],
    search: ['description'],
    archivable: false,
  }),
  webhook: spec({
    type: 'webhook',
    fields: { url: 'string', action: 'string', entityType: 'string', diffType: 'string', method: 'string', enabled: 'boolean' },
    refs: {},
    required: ['url', 'action', 'entityType'],
    search: ['url'],
    archivable: false,
  }),
};

/** Types whose references must point at an existing stored object. Others (group, pricetype…) are opaque. */
export function isStoredType(type: string): boolean {
  return type in SPECS || type === 'state';
}
