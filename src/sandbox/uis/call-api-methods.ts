// Call API v4.0 methods: start.employee_call (validated like UIS), release.call, list.calls.
import { rpcErrors, UisRpcError } from './rpc-error.ts';
import type { SandboxEmployee, UisSandboxState } from './state.ts';
import type { MethodResult } from './data-api-methods.ts';

type Params = Record<string, unknown>;

/** What the simulator needs to play a click-to-call started through the Call API. */
export interface EmployeeCallRequest {
  callSessionId: number;
  employee: SandboxEmployee;
  /** The number dialled for the employee (requested one, else the first active). */
  employeePhone: string;
  contact: string;
  virtualPhoneNumber: string;
  /** As UIS would apply it: missing → `in` (current docs' default). */
  direction: 'in' | 'out';
  directionWasExplicit: boolean;
  externalId: string | null;
  firstCall: 'employee' | 'contact';
}

const START_EMPLOYEE_CALL_PARAMS = [
  'access_token', 'first_call', 'switch_at_once', 'early_switching', 'media_file_id', 'virtual_phone_number',
  'virtual_phone_usage_rule', 'show_virtual_phone_number', 'contact', 'external_id', 'dtmf_string', 'direction',
  'employee', 'contact_message', 'employee_message',
];
const TTS_MAX = 1000;
const E164 = /^\d{11,15}$/;

function str(params: Params, name: string, required: boolean): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) {
    if (required) throw rpcErrors.required(name);
    return undefined;
  }
  if (typeof v !== 'string') throw rpcErrors.dataType(name, v, 'string');
  return v;
}

function bool(params: Params, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw rpcErrors.dataType(name, v, 'boolean');
  return v;
}

function message(params: Params, name: string, state: UisSandboxState): void {
  const m = params[name];
  if (m === undefined || m === null) return;
  if (typeof m !== 'object') throw rpcErrors.dataType(name, m, 'object');
  const { type, value } = m as { type?: unknown; value?: unknown };
  if (type !== 'media' && type !== 'tts') throw rpcErrors.invalidValue(`${name}.type`, type);
  if (type === 'tts') {
    if (typeof value !== 'string') throw rpcErrors.dataType(`${name}.value`, value, 'string');
    if (value.length > TTS_MAX) throw new UisRpcError(-32602, 'tts_text_exceeded', `TTS text exceeds ${TTS_MAX} characters`, `${name}.value`);
  } else if (!state.mediaFileIds.has(Number(value))) {
    throw new UisRpcError(-32602, 'media_file_not_found', 'Media file not found', `${name}.value`, value);
  }
}

export function validateEmployeeCall(state: UisSandboxState, params: Params): Omit<EmployeeCallRequest, 'callSessionId'> {
  for (const k of Object.keys(params)) if (!START_EMPLOYEE_CALL_PARAMS.includes(k)) throw rpcErrors.unexpected(k);
  const firstCall = str(params, 'first_call', true)!;
  if (firstCall !== 'employee' && firstCall !== 'contact') throw rpcErrors.invalidValue('first_call', firstCall);
  const virtual = str(params, 'virtual_phone_number', true)!;
  const contact = str(params, 'contact', true)!;
  if (params.employee === undefined || params.employee === null) throw rpcErrors.required('employee');
  if (typeof params.employee !== 'object') throw rpcErrors.dataType('employee', params.employee, 'object');
  const emp = params.employee as Record<string, unknown>;
  if (emp.id === undefined || emp.id === null) throw rpcErrors.required('employee.id');
  if (typeof emp.id !== 'number' || !Number.isInteger(emp.id)) throw rpcErrors.dataType('employee.id', emp.id, 'integer');
  const direction = str(params, 'direction', false);
  if (direction !== undefined && direction !== 'in' && direction !== 'out') throw rpcErrors.invalidValue('direction', direction);
  const externalId = str(params, 'external_id', false) ?? null;
  const switchAtOnce = bool(params, 'switch_at_once') ?? false;
  const earlySwitching = bool(params, 'early_switching') ?? false;
  bool(params, 'show_virtual_phone_number');
  if (earlySwitching && !(firstCall === 'employee' && switchAtOnce)) throw rpcErrors.combination('early_switching');
  const dtmf = str(params, 'dtmf_string', false);
  if (dtmf !== undefined && !/^[0-9*#.]*$/.test(dtmf)) throw rpcErrors.invalidValue('dtmf_string', dtmf);
  if (params.media_file_id !== undefined && !state.mediaFileIds.has(Number(params.media_file_id))) {
    throw new UisRpcError(-32602, 'media_file_not_found', 'Media file not found', 'media_file_id', params.media_file_id);
  }
  message(params, 'contact_message', state);
  message(params, 'employee_message', state);
  if (/[^\u0000-\uFFFF]/.test(JSON.stringify(params.contact_message ?? '') + JSON.stringify(params.employee_message ?? ''))) {
    throw new UisRpcError(-32602, 'character_encoding_not_allowed', 'Character encoding not allowed', 'contact_message');
  }

  if (!E164.test(virtual)) throw rpcErrors.invalidValue('virtual_phone_number', virtual, 'expected E.164 digits');
  if (!state.virtualNumbers.has(virtual)) {
    throw new UisRpcError(-32007, 'virtual_phone_number_not_found', 'Virtual phone number not found', 'virtual_phone_number', virtual);
  }
  if (!E164.test(contact)) throw rpcErrors.invalidValue('contact', contact, 'expected E.164 digits (extensions are not supported)');
  if (state.virtualNumbers.has(contact)) {
    throw new UisRpcError(-32602, 'own_virtual_phone_number_not_allowed', 'Own virtual phone number is not allowed', 'contact', contact);
  }
  const employee = state.employees.get(emp.id);
  if (!employee) throw new UisRpcError(-32602, 'employee_not_found', 'Employee not found', 'employee.id', emp.id);
  const active = employee.phone_numbers.filter((p) => p.status === 'active').map((p) => p.phone_number);
  if (employee.extension) active.push(employee.extension);
  let employeePhone: string;
  if (emp.phone_number !== undefined && emp.phone_number !== null) {
    if (typeof emp.phone_number !== 'string') throw rpcErrors.dataType('employee.phone_number', emp.phone_number, 'string');
    if (!active.includes(emp.phone_number)) {
      throw new UisRpcError(-32602, 'no_active_phone_number', 'The phone number is not an active number of the employee', 'employee.phone_number', emp.phone_number);
    }
    employeePhone = emp.phone_number;
  } else {
    const first = active[0];
    if (!first) throw new UisRpcError(-32602, 'no_active_phone_number', 'Employee has no active phone number', 'employee.id', emp.id);
    employeePhone = first;
  }
  if (state.blacklist.has(contact)) throw new UisRpcError(-32002, 'contact_in_blacklist', 'Contact is in the blacklist', 'contact', contact);
  return {
    employee,
    employeePhone,
    contact,
    virtualPhoneNumber: virtual,
    direction: direction ?? 'in',
    directionWasExplicit: direction !== undefined,
    externalId,
    firstCall,
  };
}

export function runCallApiMethod(
  state: UisSandboxState,
  method: string,
  params: Params,
  onEmployeeCall: (req: EmployeeCallRequest) => void,
): MethodResult {
  switch (method) {
    case 'start.employee_call': {
      const req = { ...validateEmployeeCall(state, params), callSessionId: state.nextId('call') };
      onEmployeeCall(req);
      return { data: { call_session_id: req.callSessionId } };
    }
    case 'release.call': {
      for (const k of Object.keys(params)) if (k !== 'access_token' && k !== 'call_session_id') throw rpcErrors.unexpected(k);
      const id = params.call_session_id;
      if (id === undefined) throw rpcErrors.required('call_session_id');
      if (typeof id !== 'number') throw rpcErrors.dataType('call_session_id', id, 'integer');
      if (!state.ongoingCalls.has(id)) throw new UisRpcError(-32602, 'call_session_not_found', 'Call session not found', 'call_session_id', id);
      state.ongoingCalls.delete(id);
      return { data: { success: 'true' } };
    }
    case 'list.calls': {
      const calls = [...state.ongoingCalls].map((id) => state.calls.get(id)).filter((c) => c !== undefined);
      return {
        data: calls.map((c) => ({
          call_session_id: c.id,
          direction: c.direction,
          start_time: c.start_time,
          virtual_phone_number: c.virtual_phone_number,
          contact_phone_number: c.contact_phone_number,
          external_id: c.call_api_external_id ?? null,
          tags: [],
          legs: [],
        })),
      };
    }
    default:
      throw rpcErrors.methodNotFound(method);
  }
}
