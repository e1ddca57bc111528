// Substitutes {{var}} placeholders the way UIS does (reference/uis-api.md §1.2):
// - strings are inserted JSON-quoted and escaped (UTF-8 kept, not \u-escaped), so `"k": {{v}}`
//   becomes valid JSON; a template that already quotes the placeholder gets the value quoted twice;
// - numbers and booleans bare, an empty value as bare `null`, lists as JSON arrays;
// - a placeholder the event does not carry (absent from `vars`) stays in the output literally.
import type { UisValue } from './variables.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export interface RenderOptions {
  /** For placeholders inside a URL: percent-encode each substituted value. */
  readonly urlEncode?: boolean;
}

export function renderUisValue(value: UisValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value);
}

export function renderLikeUis(
  template: string,
  vars: Readonly<Record<string, UisValue | undefined>>,
  options: RenderOptions = {},
): string {
  return template.replace(PLACEHOLDER, (literal, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(vars, name)) return literal;
    const value = vars[name];
    if (value === undefined) return literal;
    const text = renderUisValue(value);
    return options.urlEncode ? encodeURIComponent(text) : text;
  });
}

/** Names of the placeholders used in a template, in order of first appearance. */
export function placeholdersIn(template: string): string[] {
  const seen = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) if (m[1]) seen.add(m[1]);
  return [...seen];
}
