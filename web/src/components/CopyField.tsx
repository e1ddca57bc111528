// A read-only value with a «Копировать» button (webhook URLs, a new API token).
import { useRef, useState } from 'react';
import { Icon } from './icons.tsx';

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain-http deployments have no Clipboard API; the old selection route still works there.
    if (!input) return false;
    input.select();
    return document.execCommand('copy');
  }
}

export function CopyField({ label, value, hint, testId }: { label?: string; value: string; hint?: string; testId?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const copy = async () => {
    setCopied((await copyText(value, input.current)) ? 'yes' : 'no');
    setTimeout(() => setCopied(null), 2000);
  };
  return (
    <div className="field copy-field" data-testid={testId}>
      {label && <div className="field-label">{label}</div>}
      <div className="copy-row">
        <input ref={input} className="input mono" readOnly value={value} aria-label={label ?? 'Значение'} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className={`btn btn-secondary btn-md copy-btn ${copied === 'yes' ? 'copied' : ''}`} onClick={copy}>
          <Icon name={copied === 'yes' ? 'check' : 'copy'} size={16} />
          {copied === 'yes' ? 'Скопировано' : copied === 'no' ? 'Выделите и скопируйте' : 'Копировать'}
        </button>
      </div>
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
}
