export {
  parsePhone,
  normalizePhone,
  formatPhone,
  phoneKey,
  phoneSearchTerm,
  isInternalExtension,
  splitExtension,
  type ParsedPhone,
  type PhoneOptions,
} from './parse.ts';
export { extractPhones, extractPhoneDetails, type ExtractedPhone } from './extract.ts';
