// Shapes of the rules and activity API (src/http/routes/rules.ts, src/rules/schema.ts).

export type EmployeeSource = 'answered' | 'counterparty_owner' | 'last_rang' | 'default';

export type Conditions = {
  channels?: Array<'call' | 'chat' | 'offline'>;
  directions?: Array<'in' | 'out'>;
  outcomes?: Array<'answered' | 'missed' | 'lost'>;
  contact?: 'any' | 'first' | 'returning';
  virtualNumbers?: string[];
  campaigns?: string[];
  utmSources?: string[];
  minTalkSec?: number;
  workingHours?: 'any' | 'inside' | 'outside';
};

export type CounterpartyAction = {
  mode: 'find' | 'find_or_create';
  nameTemplate: string;
  companyType: 'individual' | 'legal' | 'entrepreneur';
  tags: string[];
  owner: EmployeeSource[];
  defaultOwnerId?: string;
};

export type OrderAction = {
  mode: 'never' | 'always' | 'if_no_open';
  openWithinDays: number;
  organizationId?: string;
  stateId?: string;
  stateName?: string;
  storeId?: string;
  salesChannelId?: string;
  projectId?: string;
  owner: EmployeeSource[];
  defaultOwnerId?: string;
  descriptionTemplate: string;
  overrides: unknown[];
};

export type TaskAction = {
  assignee: EmployeeSource[];
  defaultAssigneeId?: string;
  due: { kind: 'minutes'; minutes: number } | { kind: 'next_working_start'; minutes: number };
  descriptionTemplate: string;
  autoClose: boolean;
};

export type Rule = {
  id: string;
  name: string;
  enabled: boolean;
  conditions: Conditions;
  actions: { counterparty?: CounterpartyAction; order?: OrderAction; task?: TaskAction };
  stop: boolean;
};

export type RuleSettings = Record<string, unknown> & { ownNumbers?: string[]; excludeInternal?: boolean };

export type RuleSet = { rules: Rule[]; settings: RuleSettings; isDefault: boolean; version: number };

export type PreviewSample = {
  channel: 'call' | 'chat' | 'offline';
  direction: 'in' | 'out';
  outcome: 'answered' | 'missed' | 'lost';
  contactPhone?: string;
  virtualNumber?: string;
  talkDurationSec: number;
  firstContact?: boolean;
  attribution: Record<string, string>;
};

export type PreviewAction = { kind: 'counterparty' | 'order' | 'task' | 'close_tasks' | 'fields'; rule?: string; text: string; details: Record<string, unknown> };
export type Preview = { plan: Record<string, unknown> & { excluded?: { reason: string; message: string } }; actions: PreviewAction[] };

export type ActivityLink = { title: string; url: string; type?: string; id?: string };
export type ActivityItem = { id: number; integrationId: string | null; at: string; kind: string; message: string; links: ActivityLink[]; communicationRef: string | null };
export type ActivityPage = { items: ActivityItem[]; nextBefore: number | null };
