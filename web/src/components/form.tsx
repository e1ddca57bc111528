// Form building blocks: labelled fields, a switch, buttons.
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

export function Field({ label, hint, children, id }: { label: ReactNode; hint?: ReactNode; children: (id: string) => ReactNode; id?: string }) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className="field">
      <label className="field-label" htmlFor={fid}>
        {label}
      </label>
      {children(fid)}
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
}

export function TextField({ label, hint, ...input }: { label: ReactNode; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return <Field label={label} hint={hint}>{(id) => <input id={id} className="input" {...input} />}</Field>;
}

export function SelectField({ label, hint, children, ...select }: { label: ReactNode; hint?: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <select id={id} className="input" {...select}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function Switch({ checked, onChange, label, hint, disabled }: { checked: boolean; onChange: (v: boolean) => void; label: ReactNode; hint?: ReactNode; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="switch-row">
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={checked}
        disabled={disabled}
        className={`switch ${checked ? 'on' : ''}`}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-knob" />
      </button>
      <div>
        <label htmlFor={id} className="switch-label">
          {label}
        </label>
        {hint && <div className="field-hint">{hint}</div>}
      </div>
    </div>
  );
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'ghost' | 'danger'; size?: 'sm' | 'md'; busy?: boolean };

export function Button({ variant = 'secondary', size = 'md', busy, disabled, className, children, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} className={`btn btn-${variant} btn-${size} ${className ?? ''}`} disabled={disabled || busy} {...rest}>
      {busy && <span className="spinner spinner-sm" />}
      {children}
    </button>
  );
}
