import { useState } from 'preact/hooks';

/** An error as a sentence for the page. */
export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Comma-separated text as a list of trimmed, non-empty items. */
export const list = (text: string) => text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/**
 * A button for something that cannot be undone: the first press asks, in place, for a second one (no browser
 * dialog, which some pages and tests cannot answer).
 */
export function ConfirmButton({ label, confirm, onConfirm, testId }: { label: string; confirm: string; onConfirm: () => void | Promise<void>; testId?: string }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return <button type="button" class="quiet danger" data-testid={testId} onClick={() => setAsking(true)}>{label}</button>;
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span class="inline-confirm" role="group" aria-label={confirm}>
      <span>{confirm}</span>
      <button type="button" class="danger" data-testid={testId && `${testId}-confirm`} onClick={go} disabled={busy}>Yes, {label.toLowerCase()}</button>
      <button type="button" class="quiet" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
