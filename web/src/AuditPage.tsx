import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

type AuditRecord = {
  seq: number;
  at: string;
  actor: string;
  role: string;
  operation: string;
  outcome: string;
  collectionId: string | null;
  case: string | null;
  purpose: string | null;
  threshold: string | null;
  details: string | null;
};

type Verification = { intact: boolean; records: number; firstBadSeq: number | null; problem: string | null; verifiedAt: string };

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The audit chain for auditors: newest first, filtered by who, case, operation and time, and verified on demand. */
export function AuditPage() {
  const [filter, setFilter] = useState({ actor: '', case: '', operation: '', from: '', to: '' });
  const [applied, setApplied] = useState(filter);
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState('');
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = async (before: number | null) => {
    const q = new URLSearchParams({ limit: '100' });
    if (applied.actor) q.set('actor', applied.actor);
    if (applied.case) q.set('case', applied.case);
    if (applied.operation) q.set('operation', applied.operation);
    // datetime-local is the browser's local time; the API takes instants.
    if (applied.from) q.set('from', new Date(applied.from).toISOString());
    if (applied.to) q.set('to', new Date(applied.to).toISOString());
    if (before !== null) q.set('before', String(before));
    try {
      const r = await api<{ records: AuditRecord[]; next: number | null }>(`/v1/audit?${q}`);
      setRecords((now) => (before === null ? r.records : [...now, ...r.records]));
      setNext(r.next);
      setError('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => {
    load(null);
  }, [applied]);

  const verify = async () => {
    setVerifying(true);
    try {
      setVerification(await api<Verification>('/v1/audit/verification'));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setVerifying(false);
    }
  };

  const field = (name: 'actor' | 'case' | 'operation', label: string) => (
    <label>
      {label}
      <input value={filter[name]} onInput={(e) => setFilter({ ...filter, [name]: e.currentTarget.value.trim() })} />
    </label>
  );

  return (
    <section aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" data-testid="audit-verify" onClick={verify} disabled={verifying}>{verifying ? 'Verifying…' : 'Verify chain'}</button>
      </div>
      {verification && (
        <p role="status" class={verification.intact ? 'verified' : 'error'}>
          {verification.intact
            ? `Intact: all ${verification.records} records check out (hashes and seals), verified ${when.format(new Date(verification.verifiedAt))}.`
            : `Broken at record ${verification.firstBadSeq}: ${verification.problem}`}
        </p>
      )}
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setApplied(filter); }}>
        {field('actor', 'Access key')}
        {field('case', 'Case')}
        {field('operation', 'Operation')}
        <label>
          From
          <input type="datetime-local" value={filter.from} data-testid="audit-from" onInput={(e) => setFilter({ ...filter, from: e.currentTarget.value })} />
        </label>
        <label>
          Until (not included)
          <input type="datetime-local" value={filter.to} data-testid="audit-to" onInput={(e) => setFilter({ ...filter, to: e.currentTarget.value })} />
        </label>
        <button type="submit" class="quiet">Filter</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Audit records">
        <table class="audit">
          <caption class="sr-only">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Access key</th>
              <th scope="col">Role</th>
              <th scope="col">Operation</th>
              <th scope="col">Outcome</th>
              <th scope="col">Case</th>
              <th scope="col">Purpose</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.seq} data-testid="audit-row">
                <td>{r.seq}</td>
                <td><time dateTime={r.at}>{when.format(new Date(r.at))}</time></td>
                <td class="mono">{r.actor}</td>
                <td>{r.role}</td>
                <td>{r.operation}</td>
                <td class={r.outcome === 'ok' ? '' : 'refused'}>{r.outcome}</td>
                <td>{r.case ?? ''}</td>
                <td>{r.purpose ?? ''}</td>
                <td class="details" title={r.details ?? ''}>{r.details ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {records.length === 0 && !error && <p class="empty">No records match.</p>}
      {next !== null && <button type="button" class="quiet" onClick={() => load(next)}>Older records</button>}
    </section>
  );
}
