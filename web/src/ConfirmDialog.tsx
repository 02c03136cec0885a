import { useEffect, useRef, useState } from 'preact/hooks';

/** What a confirmation asks: a title, what exactly will happen, the button's words, and the action itself. */
export type Confirmation = { title: string; message: string; action: string; run: () => Promise<void> };

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A modal confirmation (the native dialog: focus kept inside, Escape cancels) that states what will be deleted. When
 * the server refuses — a legal hold keeps it, say — its message is shown in the dialog and nothing is closed.
 */
export function ConfirmDialog({ confirm, onDone }: { confirm: Confirmation | null; onDone: (done: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    setError('');
    if (confirm && !dialog.open) dialog.showModal();
    if (!confirm && dialog.open) dialog.close();
  }, [confirm]);

  const go = async () => {
    if (!confirm) return;
    setBusy(true);
    setError('');
    try {
      await confirm.run();
      onDone(true);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-message" onClose={() => confirm && onDone(false)}>
      {confirm && (
        <>
          <h2 id="confirm-title">{confirm.title}</h2>
          <p id="confirm-message">{confirm.message}</p>
          {error && <p class="error" role="alert">{error}</p>}
          <div class="dialog-actions">
            <button type="button" class="quiet" autoFocus onClick={() => onDone(false)}>Cancel</button>
            <button type="button" class="danger" data-testid="confirm-delete" disabled={busy} onClick={go}>{busy ? 'Working…' : confirm.action}</button>
          </div>
        </>
      )}
    </dialog>
  );
}
