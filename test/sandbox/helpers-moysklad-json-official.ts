// Short excerpts of official request bodies from the MoySklad JSON API 1.2 docs
// (github.com/moysklad/api-remap-1.2-doc @ 1bc738f): md/dictionaries/_counterparty.md «Создать
// Контрагента, Пример 1», md/documents/_customerOrder.md «Создать Заказ покупателя» (only the
// required fields), md/dictionaries/_webhook.md «Создать вебхук» examples. Ids inside hrefs are the
// docs' ids; tests swap them for sandbox ids where the object must exist.

export const OFFICIAL_COUNTERPARTY_CREATE = {
  name: 'ООО Радуга',
  description: 'Сеть стройматериалов Радуга ЭКСПО',
  code: 'rainbowCode',
  externalCode: 'extRainbw',
  email: 'raduga@stroi.ru',
  phone: '+7 495 331 22 33',
  fax: '1257752',
  actualAddress: 'г.Москва ул Академика Миля дом 15 к 21',
  legalTitle: 'Общество с ограниченой ответственностью "Радуга"',
  legalAddress: 'г.Москва ул Авиастроителей д 93 к 12',
  inn: '125152124152',
  kpp: '12155521',
  ogrn: '1251512',
  okpo: '201355',
  tags: ['Строители', 'Радуга', 'Ремонт'],
  state: {
    meta: {
      href: 'https://api.moysklad.ru/api/remap/1.2/entity/counterparty/metadata/states/fb56c504-2e58-11e6-8a84-bae500000069',
      type: 'state',
      mediaType: 'application/json',
    },
  },
  priceType: {
    meta: {
      href: 'https://api.moysklad.ru/api/remap/1.2/context/companysettings/pricetype/672559f1-cbf3-11e1-9eb9-889ffa6f2222',
      type: 'pricetype',
      mediaType: 'application/json',
    },
  },
};
export const OFFICIAL_COUNTERPARTY_STATE_ID = 'fb56c504-2e58-11e6-8a84-bae500000069';

export const OFFICIAL_ORDER_CREATE = {
  organization: {
    meta: {
      href: 'https://api.moysklad.ru/api/remap/1.2/entity/organization/850c8195-f504-11e5-8a84-bae50000015e',
      type: 'organization',
      mediaType: 'application/json',
    },
  },
  agent: {
    meta: {
      href: 'https://api.moysklad.ru/api/remap/1.2/entity/counterparty/9794d400-f689-11e5-8a84-bae500000078',
      type: 'counterparty',
      mediaType: 'application/json',
    },
  },
};
export const OFFICIAL_ORDER_IDS = { organization: '850c8195-f504-11e5-8a84-bae50000015e', agent: '9794d400-f689-11e5-8a84-bae500000078' };

export const OFFICIAL_WEBHOOK_CREATE = { url: 'http://www.example.com', action: 'CREATE', entityType: 'supply' };
export const OFFICIAL_WEBHOOK_UPDATE_FIELDS = { url: 'http://www.example.com', action: 'UPDATE', entityType: 'supply', diffType: 'FIELDS' };
