// Pieces of the integration pages: status alert, the webhook URLs, the credential picker for a role.
import { useState } from 'react';
import type { Credential, CredentialRole, Integration } from '../api/types.ts';
import { CREDENTIAL_KINDS, HOOK_URLS, integrationProblem } from '../labels.ts';
import { CopyField } from './CopyField.tsx';
import { CredentialForm } from './CredentialForm.tsx';
import { Alert } from './feedback.tsx';
import { Button, Field } from './form.tsx';
import { Icon } from './icons.tsx';

export function ProblemAlert({ integration }: { integration: Pick<Integration, 'status' | 'statusReason'> }) {
  const problem = integrationProblem(integration.status);
  if (!problem) return null;
  return (
    <Alert kind="error" title={problem.title}>
      {integration.statusReason && <div className="alert-reason">{integration.statusReason}</div>}
      <div>{problem.advice}</div>
    </Alert>
  );
}

export function HookUrlField({ name, url, compact }: { name: string; url: string; compact?: boolean }) {
  const info = HOOK_URLS[name];
  return <CopyField label={info?.label ?? name} value={url} hint={compact ? undefined : info?.hint} testId={`hook-${name}`} />;
}

export function credentialLabel(c: Credential): string {
  return `${c.name} — ${CREDENTIAL_KINDS[c.kind].title}${c.login ? ` (${c.login})` : ''}`;
}

/** Pick existing credentials for a role, or add new ones right here (the seed's «Добавить учетные данные»). */
export function RolePicker({
  role,
  def,
  credentials,
  value,
  onChange,
  onCreated,
  disabled,
}: {
  role: string;
  def: CredentialRole;
  credentials: Credential[];
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  onCreated: (c: Credential) => void;
  disabled?: boolean;
}) {
  const fitting = credentials.filter((c) => def.kinds.includes(c.kind));
  const [adding, setAdding] = useState(false);
  const missing = value && !fitting.some((c) => c.id === value);

  return (
    <div className="role-picker" data-role={role}>
      <Field label={def.label + (def.required ? '' : ' — необязательно')}>
        {(id) => (
          <select id={id} className="input" disabled={disabled} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
            <option value="">{fitting.length ? '— выберите учетные данные —' : '— пока нет подходящих учетных данных —'}</option>
            {missing && <option value={value}>Удалённые учетные данные</option>}
            {fitting.map((c) => (
              <option key={c.id} value={c.id}>
                {credentialLabel(c)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {!adding && !disabled && (
        <Button size="sm" variant="ghost" onClick={() => setAdding(true)}>
          <Icon name="plus" size={16} /> Добавить учетные данные
        </Button>
      )}
      {adding && (
        <div className="inline-panel">
          <CredentialForm
            kinds={def.kinds}
            submitLabel="Добавить и выбрать"
            onCancel={() => setAdding(false)}
            onCreated={(c) => {
              onCreated(c);
              onChange(c.id);
              setAdding(false);
            }}
          />
        </div>
      )}
    </div>
  );
}
