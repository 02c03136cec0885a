import { useEffect, useState } from 'preact/hooks';
import { api, can, type Session } from './api';
import { ConfirmButton, message, when } from './ui';

type Rule = { collectionId: string; faceDays: number | null; leadDays: number | null };
type Hold = { case: string; reason: string; placedBy: string; placedAt: string };
type Run = {
  collections: { collectionId: string; deletedFaces: number; deletedLeads: number; heldFaces: number; heldLeads: number }[];
  events: { cameras: { camera: string; deletedEvents: number; heldEvents: number }[]; strayFiles: number };
};

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Retention rules per collection and legal holds: for auditors to see, for administrators to change. */
export function RetentionPage({ session }: { session: Session }) {
  const admin = can(session, 'administer');
  const [rules, setRules] = useState<Rule[]>([]);
  const [collections, setCollections] = useState<string[]>([]);
  const [holds, setHolds] = useState<Hold[]>([]);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const load = async () => {
    try {
      const [r, h, c] = await Promise.all([
        api<{ rules: Rule[] }>('/v1/retention'),
        api<{ holds: Hold[] }>('/v1/holds'),
        api<{ collectionIds: string[] }>('/v1/collections?maxResults=4096'),
      ]);
      setRules(r.rules);
      setHolds(h.holds);
      setCollections(c.collectionIds);
      setError('');
    } catch (e) {
      setError(message(e));
    }
  };
  useEffect(() => {
    load();
  }, []);

  const act = async (work: () => Promise<string>) => {
    try {
      setStatus(await work());
      setError('');
      await load();
    } catch (e) {
      setError(message(e));
    }
  };

  const ruled = new Set(rules.map((r) => r.collectionId));
  const rows: Rule[] = [...rules, ...collections.filter((c) => !ruled.has(c)).map((c) => ({ collectionId: c, faceDays: null, leadDays: null }))];

  const runNow = () =>
    act(async () => {
      const run = await api<Run>('/v1/retention/runs', { method: 'POST' });
      const faces = run.collections.reduce((n, c) => n + c.deletedFaces, 0);
      const leads = run.collections.reduce((n, c) => n + c.deletedLeads, 0);
      const events = run.events.cameras.reduce((n, c) => n + c.deletedEvents, 0);
      const held = run.collections.reduce((n, c) => n + c.heldFaces + c.heldLeads, 0) + run.events.cameras.reduce((n, c) => n + c.heldEvents, 0);
      return `Retention applied: ${faces} face(s), ${leads} lead(s) and ${events} event(s) deleted; ${held} kept under legal hold.`;
    });

  return (
    <section aria-labelledby="retention-title">
      <div class="page-head">
        <h1 id="retention-title">Retention and legal holds</h1>
        {admin && <button type="button" data-testid="retention-run" onClick={runNow}>Run retention now</button>}
      </div>
      {status && <p role="status" class="verified">{status}</p>}
      {error && <p class="error" role="alert">{error}</p>}

      <h2>Retention per collection</h2>
      <p class="hint">Days a collection's faces and leads are kept (none: kept until deleted). The server applies the rules every hour; a legal hold keeps what its case's leads point at.</p>
      {rows.length === 0 ? (
        <p class="empty">No collections.</p>
      ) : (
        <div class="table-wrap">
          <table class="data wide">
            <caption class="sr-only">Retention rules per collection</caption>
            <thead>
              <tr><th scope="col">Collection</th><th scope="col">Faces kept (days)</th><th scope="col">Leads kept (days)</th>{admin && <th scope="col"><span class="sr-only">Change</span></th>}</tr>
            </thead>
            <tbody>
              {rows.map((r) => (admin ? <RuleRow key={r.collectionId} rule={r} onSave={act} /> : (
                <tr key={r.collectionId} data-testid="retention-row"><td>{r.collectionId}</td><td>{r.faceDays ?? 'kept'}</td><td>{r.leadDays ?? 'kept'}</td></tr>
              )))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Legal holds</h2>
      {admin && <PlaceHold onPlace={act} />}
      {holds.length === 0 ? (
        <p class="empty">No case is under legal hold.</p>
      ) : (
        <div class="table-wrap">
          <table class="data wide">
            <caption class="sr-only">Cases under legal hold</caption>
            <thead>
              <tr><th scope="col">Case</th><th scope="col">Reason</th><th scope="col">Placed by</th><th scope="col">Placed</th>{admin && <th scope="col"><span class="sr-only">Release</span></th>}</tr>
            </thead>
            <tbody>
              {holds.map((h) => (
                <tr key={h.case} data-testid="hold-row" data-case={h.case}>
                  <td>{h.case}</td>
                  <td>{h.reason}</td>
                  <td class="mono">{h.placedBy}</td>
                  <td><time dateTime={h.placedAt}>{when.format(new Date(h.placedAt))}</time></td>
                  {admin && (
                    <td>
                      <ConfirmButton label="Release" confirm={`Release the hold on ${h.case}?`} testId="hold-release"
                        onConfirm={() => act(async () => (await api<void>(`/v1/holds/${encodeURIComponent(h.case)}`, { method: 'DELETE' }), `Hold on ${h.case} released.`))} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const days = (text: string) => (text.trim() === '' ? null : Number(text));

function RuleRow({ rule, onSave }: { rule: Rule; onSave: (work: () => Promise<string>) => Promise<void> }) {
  const [faceDays, setFaceDays] = useState(rule.faceDays?.toString() ?? '');
  const [leadDays, setLeadDays] = useState(rule.leadDays?.toString() ?? '');
  const id = rule.collectionId;
  const save = (e: Event) => {
    e.preventDefault();
    onSave(async () => {
      await api(`/v1/collections/${encodeURIComponent(id)}/retention`, json('PUT', { faceDays: days(faceDays), leadDays: days(leadDays) }));
      return `Retention of ${id} saved.`;
    });
  };
  return (
    <tr data-testid="retention-row" data-collection={id}>
      <td>{id}</td>
      <td><input type="number" min="1" class="days" aria-label={`Days ${id} keeps faces`} value={faceDays} onInput={(e) => setFaceDays(e.currentTarget.value)} /></td>
      <td><input type="number" min="1" class="days" aria-label={`Days ${id} keeps leads`} value={leadDays} onInput={(e) => setLeadDays(e.currentTarget.value)} /></td>
      <td><button type="button" class="quiet" onClick={save}>Save</button></td>
    </tr>
  );
}

function PlaceHold({ onPlace }: { onPlace: (work: () => Promise<string>) => Promise<void> }) {
  const [caseId, setCaseId] = useState('');
  const [reason, setReason] = useState('');
  const place = (e: Event) => {
    e.preventDefault();
    const c = caseId.trim();
    onPlace(async () => {
      await api(`/v1/holds/${encodeURIComponent(c)}`, json('PUT', { reason: reason.trim() }));
      setCaseId('');
      setReason('');
      return `Case ${c} is under legal hold.`;
    });
  };
  return (
    <form class="filters" onSubmit={place}>
      <label>Case<input required value={caseId} data-testid="hold-case" onInput={(e) => setCaseId(e.currentTarget.value)} /></label>
      <label>Reason<input required value={reason} class="wide" data-testid="hold-reason" onInput={(e) => setReason(e.currentTarget.value)} /></label>
      <button type="submit" data-testid="hold-place">Place hold</button>
    </form>
  );
}
