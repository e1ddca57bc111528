import { Ref } from '../model/ref.ts';
import type { Account } from '../model/accounts.ts';
import type { AttributeDef, AttributeValue, ContactPerson, Entity, StateDef } from '../model/types.ts';
import { createRng, hashString, type Rng } from '../util/rng.ts';
import { parseMsk } from '../util/time.ts';
import { DEFAULT_SEED, type SeedOptions } from '../options.ts';
import { messyPhone, nationalNumber } from './phones.ts';
import {
  COMPANY_FORMS, COMPANY_WORDS, CONTACT_POSITIONS, EMAIL_DOMAINS, FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES_M,
  MIDDLE_NAMES_F, MIDDLE_NAMES_M, POSITIONS, TAGS, translit,
} from './names.ts';

/** Data is dated relative to this fixed moment so the same seed gives byte-identical output. */
export const SEED_ANCHOR_MS = parseMsk('2026-11-01 00:00:00') ?? 0;
const DAY = 86_400_000;

export interface SeedSummary {
  employees: number;
  counterparties: number;
  contactPersons: number;
  orders: number;
  tasks: number;
}

/** Fills an (empty) account with deterministic, realistic-looking data. */
export function seedAccount(account: Account, opts: SeedOptions = {}): SeedSummary {
  const orders = Math.max(0, Math.floor(opts.orders ?? DEFAULT_SEED.orders));
  const rng = createRng((opts.seed ?? DEFAULT_SEED.seed) * 7919 + hashString(account.name));
  const nCounterparties = opts.counterparties ?? Math.max(10, Math.ceil(orders / 4));
  const nEmployees = Math.max(2, opts.employees ?? Math.min(40, 6 + Math.floor(orders / 5000)));
  const data = account.data;
  data.clear();
  const base = (t: number): Entity => ({ id: rng.uuid(), created: t, updated: t });
  const t0 = SEED_ANCHOR_MS - 400 * DAY;
  data.groupId = rng.uuid();
  const group = Ref.entity('group', data.groupId);

  // employees (the first is the account administrator, whose login is the account login)
  const employees: Entity[] = [];
  for (let i = 0; i < nEmployees; i++) {
    const female = rng.chance(0.5);
    const last = rng.pick(LAST_NAMES_M) + (female ? 'а' : '');
    const first = rng.pick(female ? FIRST_NAMES_F : FIRST_NAMES_M);
    const middle = rng.pick(female ? MIDDLE_NAMES_F : MIDDLE_NAMES_M);
    const e = base(t0);
    const uid = i === 0 ? account.creds.login : `${translit(first)}.${translit(last)}${i}@${account.name}`;
    Object.assign(e, {
      name: `${last} ${first} ${middle}`, firstName: first, middleName: middle, lastName: last,
      fullName: `${last} ${first} ${middle}`, shortFio: `${last} ${first[0]}.${middle[0]}.`,
      uid, email: `${uid.split('@')[0]}@example.ru`, phone: messyPhone(rng, nationalNumber(rng)),
      position: i === 0 ? 'Администратор' : rng.pick(POSITIONS), archived: i > 0 && i === nEmployees - 1 && nEmployees > 3,
      shared: false, group, externalCode: rng.hex(22), attributes: [],
    });
    employees.push(e);
    data.col('employee').add(e);
    // extensions 101, 102, …; the archived one and every seventh employee have none (realistic gaps)
    if (!e['archived'] && i % 7 !== 6) data.extensions.set(e.id, String(101 + i));
  }
  const admin = employees[0];
  if (!admin) throw new Error('no admin');
  data.adminEmployeeId = admin.id;
  for (const e of employees) e['owner'] = Ref.entity('employee', admin.id);
  const activeEmployees = employees.filter((e) => !e['archived']);
  const ownerRef = (): Ref => Ref.entity('employee', rng.pick(activeEmployees).id);
  const common = (t: number): Entity => ({ ...base(t), owner: Ref.entity('employee', admin.id), group, shared: false });

  const organizations = ['ООО «Торговый дом Сандбокс»', 'ИП Сандбоксов А. А.'].map((name, i) => {
    const o = common(t0);
    Object.assign(o, { name, legalTitle: name, inn: String(7700000000 + i), companyType: i ? 'entrepreneur' : 'legal', archived: false, externalCode: rng.hex(22), attributes: [] });
    data.col('organization').add(o);
    return o;
  });
  const stores = ['Основной склад', 'Магазин на Тверской', 'Интернет-магазин'].map((name) => {
    const s = common(t0);
    Object.assign(s, { name, pathName: '', archived: false, externalCode: rng.hex(22), attributes: [] });
    data.col('store').add(s);
    return s;
  });
  const channels = ([
    ['Сайт', 'ECOMMERCE'], ['Instagram', 'SOCIAL_NETWORK'], ['Ozon', 'MARKETPLACE'],
    ['Телефон', 'DIRECT_SALES'], ['Авито', 'CLASSIFIED_ADS'],
  ] as const).map(([name, type]) => {
    const c = common(t0);
    Object.assign(c, { name, type, archived: false, externalCode: rng.hex(22) });
    data.col('saleschannel').add(c);
    return c;
  });
  const projects = ['Весенняя распродажа', 'Оптовые клиенты', 'Маркетплейсы'].map((name) => {
    const p = common(t0);
    Object.assign(p, { name, archived: false, externalCode: rng.hex(22), attributes: [] });
    data.col('project').add(p);
    return p;
  });

  const orderStates = addStates(rng, data.statesOf('customerorder'), 'customerorder', [
    ['Новый', 'Regular', 15280409], ['Подтвержден', 'Regular', 10667543], ['Собран', 'Regular', 8825528],
    ['Отгружен', 'Regular', 40931], ['Доставлен', 'Successful', 34617], ['Возврат', 'Unsuccessful', 10774205],
    ['Отменен', 'Unsuccessful', 15106326],
  ]);
  const cpStates = addStates(rng, data.statesOf('counterparty'), 'counterparty', [
    ['Новый', 'Regular', 15280409], ['Выслано предложение', 'Regular', 10667543], ['Переговоры', 'Regular', 8825528],
    ['Сделка заключена', 'Successful', 34617], ['Сделка не заключена', 'Unsuccessful', 15106326],
  ]);
  const orderAttrs = addAttributes(rng, data.attributesOf('customerorder'), [
    ['UTM source', 'string'], ['UTM campaign', 'string'], ['Сайт', 'link'], ['Звонок', 'boolean'], ['Дата первого звонка', 'time'],
  ]);
  const cpAttrs = addAttributes(rng, data.attributesOf('counterparty'), [
    ['Источник', 'string'], ['UTM-метка', 'string'], ['Персональный менеджер', 'employee'],
  ]);

  // counterparties with messy phones and contact persons
  const counterparties: Entity[] = [];
  let contactPersons = 0;
  for (let i = 0; i < nCounterparties; i++) {
    const t = t0 + rng.int(360 * DAY);
    const c = common(t);
    const person = rng.chance(0.55);
    const female = rng.chance(0.5);
    const lastName = rng.pick(LAST_NAMES_M) + (female ? 'а' : '');
    const firstName = rng.pick(female ? FIRST_NAMES_F : FIRST_NAMES_M);
    const name = person
      ? `${lastName} ${firstName}`
      : `${rng.pick(COMPANY_FORMS)} «${rng.pick(COMPANY_WORDS)}${rng.chance(0.5) ? '-' + (1 + rng.int(99)) : ''}»`;
    const attrs: AttributeValue[] = [];
    if (rng.chance(0.4)) attrs.push({ id: attrId(cpAttrs, 'Источник'), value: rng.pick(['Звонок', 'Сайт', 'Чат', 'Рекомендация']) });
    if (rng.chance(0.2)) attrs.push({ id: attrId(cpAttrs, 'UTM-метка'), value: `utm_source=${rng.pick(['google', 'yandex', 'vk'])}&utm_medium=cpc` });
    if (rng.chance(0.3)) attrs.push({ id: attrId(cpAttrs, 'Персональный менеджер'), value: ownerRef() });
    Object.assign(c, {
      name, companyType: person ? 'individual' : 'legal', archived: rng.chance(0.03),
      externalCode: rng.hex(22), owner: ownerRef(), tags: rng.chance(0.4) ? [rng.pick(TAGS)] : [],
      state: Ref.state('counterparty', rng.pick(cpStates).id), attributes: attrs,
      updated: t + rng.int(30 * DAY),
    });
    if (rng.chance(0.85)) c['phone'] = messyPhone(rng, nationalNumber(rng));
    if (rng.chance(0.5)) c['email'] = `${translit(person ? lastName : name).slice(0, 12) || 'client'}${i}@${rng.pick(EMAIL_DOMAINS)}`;
    if (!person) c['legalTitle'] = name;
    const cps: ContactPerson[] = [];
    const nCp = person ? (rng.chance(0.2) ? 1 : 0) : rng.int(3);
    for (let k = 0; k < nCp; k++) {
      const f = rng.chance(0.5);
      const cp: ContactPerson = {
        id: rng.uuid(), created: t, updated: t,
        name: `${rng.pick(f ? FIRST_NAMES_F : FIRST_NAMES_M)} ${rng.pick(LAST_NAMES_M)}${f ? 'а' : ''}`,
        position: rng.pick(CONTACT_POSITIONS),
      };
      if (rng.chance(0.9)) cp.phone = messyPhone(rng, nationalNumber(rng));
      if (rng.chance(0.4)) cp.email = `contact${i}_${k}@${rng.pick(EMAIL_DOMAINS)}`;
      cps.push(cp);
    }
    contactPersons += cps.length;
    c['_contactpersons'] = cps;
    c['_notes'] = [];
    counterparties.push(c);
    data.col('counterparty').add(c);
  }

  // orders across states, stores, channels, projects and owners
  const stateWeights = [0.18, 0.14, 0.08, 0.1, 0.38, 0.04, 0.08];
  const pickState = (): StateDef => {
    let r = rng.next();
    for (let k = 0; k < stateWeights.length; k++) {
      r -= stateWeights[k] ?? 0;
      if (r < 0) return orderStates[k] ?? orderStates[0]!;
    }
    return orderStates[0]!;
  };
  const orderCol = data.col('customerorder');
  const utmAttr = attrId(orderAttrs, 'UTM source');
  const campaignAttr = attrId(orderAttrs, 'UTM campaign');
  const callAttr = attrId(orderAttrs, 'Звонок');
  const orgRef = Ref.entity('organization', organizations[0]!.id);
  for (let i = 0; i < orders; i++) {
    const moment = SEED_ANCHOR_MS - 365 * DAY + Math.floor((i / Math.max(1, orders)) * 365 * DAY) + rng.int(DAY);
    const state = pickState();
    const sum = (5 + rng.int(5000)) * 100 * 100; // 5…5 004 ₽ → kopecks, whole roubles ×100
    const o: Entity = {
      id: rng.uuid(), created: moment, updated: moment + rng.int(20 * DAY),
      name: String(i + 1).padStart(5, '0'), moment, applicable: true, vatEnabled: true, vatIncluded: true,
      sum, vatSum: Math.round(sum / 6), payedSum: state.stateType === 'Successful' ? sum : 0,
      shippedSum: state.stateType === 'Successful' ? sum : 0, invoicedSum: 0, reservedSum: 0,
      agent: Ref.entity('counterparty', rng.pick(counterparties).id), organization: orgRef,
      state: Ref.state('customerorder', state.id), store: Ref.entity('store', rng.pick(stores).id),
      owner: ownerRef(), group, shared: false, externalCode: rng.hex(22), printed: false, published: false,
      attributes: [] as AttributeValue[],
    };
    if (rng.chance(0.8)) o['salesChannel'] = Ref.entity('saleschannel', rng.pick(channels).id);
    if (rng.chance(0.5)) o['project'] = Ref.entity('project', rng.pick(projects).id);
    if (rng.chance(0.35)) {
      (o['attributes'] as AttributeValue[]).push(
        { id: utmAttr, value: rng.pick(['google', 'yandex', 'vk', 'telegram']) },
        { id: campaignAttr, value: rng.pick(['brand', 'sale_autumn', 'retargeting']) },
      );
    }
    if (rng.chance(0.25)) (o['attributes'] as AttributeValue[]).push({ id: callAttr, value: true });
    orderCol.add(o);
  }
  data.orderCounter = orders + 1;

  const nTasks = Math.min(300, Math.max(5, Math.floor(orders / 20)));
  for (let i = 0; i < nTasks; i++) {
    const t = SEED_ANCHOR_MS - rng.int(30 * DAY);
    const task = common(t);
    const done = rng.chance(0.4);
    const cp = rng.pick(counterparties);
    Object.assign(task, {
      description: rng.pick(['Перезвонить клиенту: пропущенный звонок', 'Уточнить адрес доставки', 'Отправить коммерческое предложение', 'Пропущенный чат: ответить клиенту']),
      assignee: ownerRef(), author: Ref.entity('employee', admin.id), agent: Ref.entity('counterparty', cp.id),
      dueToDate: t + DAY, done, _notes: [],
    });
    if (done) {
      task['completed'] = t + rng.int(DAY);
      task['implementer'] = task['assignee'];
    }
    data.col('task').add(task);
  }
  return { employees: nEmployees, counterparties: nCounterparties, contactPersons, orders, tasks: nTasks };
}

function addStates(rng: Rng, into: StateDef[], entityType: string, defs: [string, StateDef['stateType'], number][]): StateDef[] {
  for (const [name, stateType, color] of defs) into.push({ id: rng.uuid(), name, stateType, color, entityType });
  return into;
}

function addAttributes(rng: Rng, into: AttributeDef[], defs: [string, string][]): AttributeDef[] {
  for (const [name, type] of defs) into.push({ id: rng.uuid(), name, type, required: false, show: true });
  return into;
}

function attrId(defs: AttributeDef[], name: string): string {
  const d = defs.find((a) => a.name === name);
  if (!d) throw new Error(`attribute ${name}`);
  return d.id;
}
