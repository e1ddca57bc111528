// The click-to-call job: check the signature, map the MoySklad employee to the UIS employee, and
// start the call with UIS (start.employee_call: employee first, direction out, our external_id).
// Every outcome, good or bad, is written to the click-to-call log with a reason the user can act on.
import { verifyClickToCallSignature } from '../../moysklad/index.ts';
import { phoneKey } from '../../phone/index.ts';
import { isUisApiError } from '../../uis/index.ts';
import { phoneApiFor, problemText, telephonySettings, uisClientsFor, type TelephonyDeps } from '../connection-check/index.ts';
import { employeeMapping } from '../employees/index.ts';
import type { ClickToCallRepository } from './click-to-call-repository.ts';

/** The external_id we give UIS; it comes back in notifications and call reports. */
export const clickToCallExternalId = (requestId: number) => `ms-c2c-${requestId}`;

export async function startClickToCall(deps: TelephonyDeps, repo: ClickToCallRepository, requestId: number): Promise<void> {
  const req = await repo.get(requestId);
  if (!req) return;
  if (!(await repo.claim(requestId))) {
    // A previous attempt got as far as dialing and its outcome is unknown: never dial twice.
    if (req.status === 'dialing') await repo.update(requestId, { status: 'failed', reason: 'Результат запуска звонка неизвестен (сбой при обработке) — звонок не повторяем', finishedAt: new Date() });
    return;
  }
  const finish = async (status: 'started' | 'failed' | 'rejected', reason: string | null, extra: Partial<Parameters<ClickToCallRepository['update']>[1]> = {}) => {
    await repo.update(requestId, { status, reason, finishedAt: new Date(), ...extra });
    if (status !== 'started') deps.log.info({ clickToCallId: requestId, status, reason }, 'click-to-call not started');
  };

  const row = await deps.integrationsRepo.get(req.accountId, req.integrationId);
  if (!row) return finish('failed', 'Интеграция удалена');
  if (!row.active) return finish('rejected', 'Интеграция выключена — включите переключатель «Активна»');
  const settings = telephonySettings(row);

  let key: string;
  try {
    key = (await phoneApiFor(deps, row)).key;
  } catch (err) {
    return finish('failed', problemText(err));
  }
  const sig = verifyClickToCallSignature(req.signatureHeader, key, req.rawBody);
  const sigPatch = { signature: sig.status, signatureVariant: sig.variant };
  if (sig.status !== 'matched') {
    deps.log.warn({ clickToCallId: requestId, signature: sig.status, mode: settings.clickToCallSignature }, 'click-to-call signature did not match');
    if (settings.clickToCallSignature === 'enforce') {
      return finish(
        'rejected',
        sig.status === 'missing'
          ? 'Запрос без подписи Lognex-Content-MD5 отклонён (включена строгая проверка подписи)'
          : 'Подпись Lognex-Content-MD5 не совпала с «Ключом доступа» — запрос отклонён (включена строгая проверка подписи). Проверьте, что ключ в интеграции совпадает с ключом в МойСклад',
        sigPatch,
      );
    }
  }
  await repo.update(requestId, sigPatch);

  const target = await employeeMapping(deps.db).uisEmployeeFor(row.id, { uid: req.uid ?? undefined, msExtension: req.srcNumber ?? undefined });
  if (!target) {
    return finish('failed', `Сотрудник МойСклад с добавочным ${req.srcNumber ?? '—'} (${req.uid ?? 'логин не передан'}) не сопоставлен с сотрудником UIS — проверьте раздел «Сотрудники»`);
  }
  const contact = phoneKey(req.destNumber);
  if (!contact) return finish('failed', `Номер «${req.destNumber ?? ''}» не похож на телефон клиента — звонок на внутренние номера UIS через «звонок в один клик» не поддерживается`, { uisEmployeeId: target.employeeId });
  if (!settings.clickToCallVirtualNumber) {
    return finish('failed', 'Не указан виртуальный номер UIS для исходящих звонков (настройка «Номер для звонка в один клик»)', { uisEmployeeId: target.employeeId });
  }
  try {
    const { call } = await uisClientsFor(deps, row, { timeoutMs: 10_000 });
    const started = await call.startEmployeeCall({
      firstCall: 'employee',
      direction: 'out',
      externalId: clickToCallExternalId(requestId),
      virtualPhoneNumber: settings.clickToCallVirtualNumber,
      contact,
      employee: { id: target.employeeId },
    });
    await finish('started', null, { uisEmployeeId: target.employeeId, uisCallSessionId: started.callSessionId });
  } catch (err) {
    const reason = isUisApiError(err) ? `UIS не начал звонок: ${err.messageRu} [${err.mnemonic}]` : problemText(err);
    await finish('failed', reason, { uisEmployeeId: target.employeeId });
  }
}
