// Shapes of the cabinet API responses (see /api/openapi.json).

export type Role = 'owner' | 'member';

export type User = { id: string; accountId: string; email: string; role: Role; isOperator: boolean; createdAt: string };
export type Account = { id: string; name: string; createdAt: string };
export type Me = { user: User | null; account: Account | null; via: 'session' | 'token'; role: Role; isOperator: boolean };

export type CredentialKind = 'moysklad-basic' | 'moysklad-token' | 'moysklad-phone-key' | 'uis-api-key';
export type Credential = {
  id: string;
  name: string;
  kind: CredentialKind;
  login: string | null;
  hasSecret: true;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type IntegrationKind = 'moysklad-deals' | 'moysklad-telephony' | 'moysklad-chats';
export type CredentialRole = { kinds: CredentialKind[]; required: boolean; label: string };
export type KindInfo = { kind: IntegrationKind; title: string; roles: Record<string, CredentialRole>; settings: unknown };

export type Integration = {
  id: string;
  kind: IntegrationKind;
  title: string;
  name: string;
  active: boolean;
  credentialIds: Record<string, string>;
  settings: Record<string, unknown>;
  status: string;
  statusReason: string | null;
  hookUrls: Record<string, string>;
  createdAt: string;
  updatedAt: string;
};

export type InboxStatus = 'received' | 'processed' | 'unparseable' | 'failed';
export type InboxItem = {
  id: number;
  integrationId: string | null;
  source: string;
  event: string | null;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string>;
  contentType: string | null;
  body: string;
  status: InboxStatus;
  reason: string | null;
  receivedAt: string;
  processedAt: string | null;
};
export type InboxPage = { items: InboxItem[]; nextBefore: number | null };

export type ApiToken = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null };
