// Plausible call-tracking attribution, so Data API enrichment has something to return.
import type { SimRng } from './rng.ts';

const CAMPAIGNS = [
  { utm_source: 'yandex', utm_medium: 'cpc', utm_campaign: 'brand_msk', campaign_name: 'Яндекс Директ — бренд', search_engine: 'yandex', channel: 'paid' },
  { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'tools_sale', campaign_name: 'Google Ads — распродажа', search_engine: 'google', channel: 'paid' },
  { utm_source: 'vk', utm_medium: 'social', utm_campaign: 'spring', campaign_name: 'VK Реклама — весна', search_engine: null, channel: 'social' },
  { utm_source: null, utm_medium: null, utm_campaign: null, campaign_name: 'Органический поиск', search_engine: 'yandex', channel: 'organic' },
] as const;
const QUERIES = ['купить перфоратор', 'дрель аккумуляторная цена', 'инструменты доставка москва', null];
const REGIONS = [
  ['Москва', 'Москва и Московская область', 'Россия'],
  ['Санкт-Петербург', 'Санкт-Петербург', 'Россия'],
  ['Казань', 'Республика Татарстан', 'Россия'],
] as const;
const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

export function randomAttribution(rng: SimRng): Record<string, string | null> {
  const c = rng.pick(CAMPAIGNS);
  const [city, region, country] = rng.pick(REGIONS);
  const q = c.channel === 'social' ? null : rng.pick(QUERIES);
  return {
    site_domain_name: 'shop.example',
    campaign_name: c.campaign_name,
    utm_source: c.utm_source,
    utm_medium: c.utm_medium,
    utm_campaign: c.utm_campaign,
    utm_term: q,
    utm_content: c.utm_source ? `ad${rng.int(1, 9)}` : null,
    search_query: q,
    search_engine: c.search_engine,
    referrer: c.utm_source ? `https://${c.utm_source}.ru/` : 'https://ya.ru/',
    referrer_domain: c.utm_source ? `${c.utm_source}.ru` : 'ya.ru',
    entrance_page: 'https://shop.example/catalog',
    channel: c.channel,
    visitor_city: city,
    visitor_region: region,
    visitor_country: country,
    visitor_device: rng.pick(DEVICES),
  };
}

export function randomContactNumber(rng: SimRng): string {
  return `79${rng.int(100000000, 999999999)}`;
}

export function randomHex(rng: SimRng, len: number): string {
  let s = '';
  while (s.length < len) s += rng.int(0, 0xffff).toString(16).padStart(4, '0');
  return s.slice(0, len);
}
