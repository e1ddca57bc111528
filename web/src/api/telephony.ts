// Shapes of the telephony integration API (src/http/routes/telephony.ts).

export type LinkVerdict = { link: 'phoneKey' | 'moysklad' | 'uis'; title: string; status: 'ok' | 'error' | 'skipped'; message: string };
export type ConnectionCheck = { ok: boolean; links: LinkVerdict[]; webhookUrl?: string };

export type UisNotification = { eventKey: string; eventType: string; name: string; method: 'POST'; url: string; bodyTemplate: string };
export type UisNotifications = { routingUrl?: string; notifications: UisNotification[] };

export type MsEmployee = { employeeId: string; extension: string | null; name: string | null; email: string | null; uid: string | null };
export type UisEmployee = { employeeId: number; name: string | null; extension: string | null; email: string | null; phones: string[] };
export type EmployeesView = {
  refreshedAt: string | null;
  error: string | null;
  matched: Array<{ moysklad: MsEmployee; uis: UisEmployee; matchedBy: string }>;
  unmatchedMoysklad: Array<MsEmployee & { overridden: boolean }>;
  unmatchedUis: UisEmployee[];
};

export type ClickToCall = {
  id: number;
  receivedAt: string;
  finishedAt: string | null;
  srcNumber: string | null;
  destNumber: string | null;
  uid: string | null;
  signature: string | null;
  signatureVariant: string | null;
  status: string;
  reason: string | null;
  uisEmployeeId: number | null;
  uisCallSessionId: number | null;
};

export type RoutingDecision = {
  answer: { phones: string[] } | { returned_code: number };
  reason: string;
  source: 'index' | 'moysklad' | 'none';
  phone: string | null;
  counterparty?: { id: string; name: string | null; via: string };
  ownerEmployeeId?: string | null;
  uisEmployeeId?: number;
  ms: number;
};
