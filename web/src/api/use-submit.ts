// A form's submit handler with its busy flag and error. On success the form usually closes or
// navigates, so `busy` stays set; on failure it is cleared and the error shown.
import { useState, type FormEvent } from 'react';

export function useSubmit(action: () => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}
