import { z } from 'zod';
import { callUisJsonRpc, type UisJsonRpcOptions } from './jsonrpc-transport.ts';
import type { UisLimits } from './limits.ts';
import type { FetchLike } from '../../net/index.ts';

export const UIS_CALL_API_URL = 'https://callapi.uiscom.ru/v4.0';

export interface UisCallApiClientOptions {
  /** Default: production UIS host. Point at the sandbox's `callApiUrl` in tests. */
  baseUrl?: string;
  accessToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  onLimits?: (limits: UisLimits, method: string) => void;
}

export interface UisCallMessage {
  type: 'media' | 'tts';
  value: string;
}

export interface StartEmployeeCallInput {
  virtualPhoneNumber: string;
  /** Client number in E.164 digits (extensions are not accepted by UIS). */
  contact: string;
  employee: { id: number; phoneNumber?: string };
  /**
   * Required on purpose: UIS documentation versions disagree on the default (`in` vs `out`),
   * so we never rely on it. Click-to-call is `out`.
   */
  direction: 'in' | 'out';
  /** Our correlation id; comes back as `{{external_id}}` and `call_api_external_id`. */
  externalId: string;
  /** Who is dialled first; default `employee` (the usual click-to-call). */
  firstCall?: 'employee' | 'contact';
  switchAtOnce?: boolean;
  earlySwitching?: boolean;
  showVirtualPhoneNumber?: boolean;
  virtualPhoneUsageRule?: 'fixed' | 'fixed_for_numa' | 'random' | 'regional_random' | 'regional_fixed_for_numa';
  mediaFileId?: number;
  dtmfString?: string;
  contactMessage?: UisCallMessage;
  employeeMessage?: UisCallMessage;
}

export interface StartCallResult {
  callSessionId: number;
  limits: UisLimits | null;
}

export interface UisCallApiClient {
  startEmployeeCall(input: StartEmployeeCallInput): Promise<StartCallResult>;
  releaseCall(callSessionId: number): Promise<{ success: boolean; limits: UisLimits | null }>;
  /** `metadata.limits` from the last response that carried them. */
  readonly lastLimits: UisLimits | null;
}

const callSessionSchema = z.looseObject({ call_session_id: z.number() });
// UIS examples show the string "true" for success; accept both.
const successSchema = z.looseObject({ success: z.union([z.boolean(), z.literal('true'), z.literal('false')]) });

export function createUisCallApiClient(opts: UisCallApiClientOptions): UisCallApiClient {
  let lastLimits: UisLimits | null = null;
  const rpc: UisJsonRpcOptions = {
    api: 'call',
    baseUrl: opts.baseUrl ?? UIS_CALL_API_URL,
    accessToken: opts.accessToken,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    onLimits: (limits, method) => {
      lastLimits = limits;
      opts.onLimits?.(limits, method);
    },
  };

  return {
    get lastLimits() {
      return lastLimits;
    },

    async startEmployeeCall(input) {
      const params: Record<string, unknown> = {
        first_call: input.firstCall ?? 'employee',
        direction: input.direction,
        virtual_phone_number: input.virtualPhoneNumber,
        contact: input.contact,
        external_id: input.externalId,
        employee:
          input.employee.phoneNumber !== undefined
            ? { id: input.employee.id, phone_number: input.employee.phoneNumber }
            : { id: input.employee.id },
      };
      if (input.switchAtOnce !== undefined) params.switch_at_once = input.switchAtOnce;
      if (input.earlySwitching !== undefined) params.early_switching = input.earlySwitching;
      if (input.showVirtualPhoneNumber !== undefined) params.show_virtual_phone_number = input.showVirtualPhoneNumber;
      if (input.virtualPhoneUsageRule !== undefined) params.virtual_phone_usage_rule = input.virtualPhoneUsageRule;
      if (input.mediaFileId !== undefined) params.media_file_id = input.mediaFileId;
      if (input.dtmfString !== undefined) params.dtmf_string = input.dtmfString;
      if (input.contactMessage) params.contact_message = input.contactMessage;
      if (input.employeeMessage) params.employee_message = input.employeeMessage;
      const { data, meta } = await callUisJsonRpc(rpc, 'start.employee_call', params, callSessionSchema);
      return { callSessionId: data.call_session_id, limits: meta.limits };
    },

    async releaseCall(callSessionId) {
      const { data, meta } = await callUisJsonRpc(rpc, 'release.call', { call_session_id: callSessionId }, successSchema);
      return { success: data.success === true || data.success === 'true', limits: meta.limits };
    },
  };
}
