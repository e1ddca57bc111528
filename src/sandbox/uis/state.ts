// In-memory UIS account: employees, numbers, reports (filled by the simulator), tokens, quotas.
import type {
  UisCallsReportRow,
  UisChatMessagesReportRow,
  UisChatsReportRow,
  UisEmployee,
  UisOfflineMessagesReportRow,
} from '../../uis/data-api/index.ts';

export interface SandboxEmployee {
  id: number;
  login: string;
  first_name: string;
  last_name: string;
  full_name: string;
  email: string | null;
  extension: string | null;
  /** E.164 / SIP numbers in dialling order. */
  phone_numbers: Array<{ phone_number: string; status: 'active' | 'inactive' }>;
  operator_login: string | null;
}

export interface SandboxLimitsConfig {
  dayLimit: number;
  minuteLimit: number;
}

export interface InjectedFailure {
  api: 'call' | 'data' | 'any';
  method?: string;
  mnemonic: string;
  message?: string;
  /** How many requests fail; default 1. */
  times?: number;
}

export interface SandboxRecording {
  id: string;
  communicationId: number;
  callSessionId: number;
  durationS: number;
}

type Row = Record<string, unknown>;

export class UisSandboxState {
  appId = 100_500;
  timeZone = 'Europe/Moscow';
  virtualNumbers = new Set<string>(['74950000001', '74950000002']);
  blacklist = new Set<string>();
  mediaFileIds = new Set<number>([1001]);
  employees = new Map<number, SandboxEmployee>();
  validTokens = new Set<string>();
  expiredTokens = new Set<string>();
  blockedTokens = new Set<string>();
  /** Data API methods whose component is "disabled" for this account. */
  disabledMethods = new Set<string>();
  limits: SandboxLimitsConfig = { dayLimit: 100_000, minuteLimit: 10_000 };
  failures: InjectedFailure[] = [];
  calls = new Map<number, UisCallsReportRow & Row>();
  /** Sessions still in progress: hidden from get.calls_report unless include_ongoing_calls. */
  ongoingCalls = new Set<number>();
  chats = new Map<number, UisChatsReportRow & Row>();
  chatMessages: Array<UisChatMessagesReportRow & Row> = [];
  offlineMessages = new Map<number, UisOfflineMessagesReportRow & Row>();
  recordings = new Map<string, SandboxRecording>();
  /** Requests seen per API, for tests (tokens are never stored here). */
  requestLog: Array<{ api: 'call' | 'data'; method: string; ok: boolean; mnemonic?: string }> = [];

  private dayUsed = 0;
  private dayStart = Date.now();
  private minuteUsed = 0;
  private minuteStart = Date.now();
  private seq = { call: 3_000_000_000, communication: 700_000_000, leg: 900_000_000, chat: 5_000_000, message: 60_000_000, offline: 80_000, contact: 40_000, record: 1 };

  nextId(kind: keyof UisSandboxState['seq']): number {
    return ++this.seq[kind];
  }

  /** Throws the limit error if a point cannot be spent; successful requests spend it via `spendPoint`. */
  checkLimits(now = Date.now()): 'day_limit' | 'minute_limit' | null {
    this.roll(now);
    if (this.dayUsed >= this.limits.dayLimit) return 'day_limit';
    if (this.minuteUsed >= this.limits.minuteLimit) return 'minute_limit';
    return null;
  }

  spendPoint(now = Date.now()): void {
    this.roll(now);
    this.dayUsed++;
    this.minuteUsed++;
  }

  limitsMeta(now = Date.now()): Record<string, number> {
    this.roll(now);
    return {
      day_limit: this.limits.dayLimit,
      day_remaining: Math.max(0, this.limits.dayLimit - this.dayUsed),
      day_reset: Math.ceil((this.dayStart + 86_400_000 - now) / 1000),
      minute_limit: this.limits.minuteLimit,
      minute_remaining: Math.max(0, this.limits.minuteLimit - this.minuteUsed),
      minute_reset: Math.ceil((this.minuteStart + 60_000 - now) / 1000),
    };
  }

  resetLimits(): void {
    this.dayUsed = 0;
    this.minuteUsed = 0;
    this.dayStart = this.minuteStart = Date.now();
  }

  private roll(now: number): void {
    if (now - this.minuteStart >= 60_000) {
      this.minuteStart = now;
      this.minuteUsed = 0;
    }
    if (now - this.dayStart >= 86_400_000) {
      this.dayStart = now;
      this.dayUsed = 0;
    }
  }

  takeFailure(api: 'call' | 'data', method: string): InjectedFailure | null {
    const i = this.failures.findIndex((f) => (f.api === 'any' || f.api === api) && (!f.method || f.method === method));
    if (i < 0) return null;
    const f = this.failures[i]!;
    const left = (f.times ?? 1) - 1;
    if (left <= 0) this.failures.splice(i, 1);
    else this.failures[i] = { ...f, times: left };
    return f;
  }

  addEmployee(e: Omit<SandboxEmployee, 'id' | 'full_name' | 'login'> & { id?: number; login?: string }): SandboxEmployee {
    const id = e.id ?? Math.max(0, ...this.employees.keys()) + 1;
    const full: SandboxEmployee = {
      ...e,
      id,
      login: e.login ?? `employee${id}`,
      full_name: `${e.last_name} ${e.first_name}`.trim(),
    };
    this.employees.set(id, full);
    return full;
  }

  /** The employee as get.employees returns it. */
  employeeRow(e: SandboxEmployee): UisEmployee & Row {
    return {
      id: e.id,
      login: e.login,
      first_name: e.first_name,
      last_name: e.last_name,
      patronymic: null,
      full_name: e.full_name,
      email: e.email,
      status: 'available',
      status_id: 1,
      call_recording: 'all',
      groups: [],
      phone_numbers: e.phone_numbers.map((p, i) => ({
        phone_id: e.id * 100 + i,
        phone_number: p.phone_number,
        channels_count: 1,
        dial_time: 60,
        status: p.status,
      })),
      extension: e.extension
        ? { extension_phone_number: e.extension, extension_voice_mail_enabled: false, extension_queue_enabled: false }
        : null,
      operator: e.operator_login
        ? { operator_login: e.operator_login, operator_display_name: e.first_name, operator_chat_enabled: true }
        : null,
    };
  }
}

/** A small default staff: a sales group of three and a support employee. */
export function seedDefaultAccount(state: UisSandboxState): void {
  const staff: Array<[string, string, string, string]> = [
    ['Анна', 'Смирнова', '101', '79161110101'],
    ['Борис', 'Иванов', '102', '79161110102'],
    ['Вера', 'Кузнецова', '103', '79161110103'],
    ['Глеб', 'Попов', '104', '79161110104'],
  ];
  staff.forEach(([first, last, ext, mobile], i) =>
    state.addEmployee({
      id: 1001 + i,
      first_name: first,
      last_name: last,
      email: `${ext}@shop.example`,
      extension: ext,
      phone_numbers: [
        { phone_number: mobile, status: 'active' },
        { phone_number: `7495123${ext}0`.slice(0, 11), status: 'inactive' },
      ],
      operator_login: `op${ext}`,
    }),
  );
}
