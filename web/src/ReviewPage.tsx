import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from './api';
import { LeadDetail, type Lead } from './LeadDetail';

const statuses = ['pending', 'confirmed', 'rejected', 'inconclusive'] as const;

const age = (iso: string) => {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} days ago`;
};

/**
 * The review queue: every match of an identification search is a lead, and none is acted on until a person other
 * than the searcher has compared the faces and decided it, with a note. The queue on the left, the lead being
 * reviewed on the right.
 */
export function ReviewPage({ session }: { session: Session }) {
  const [status, setStatus] = useState<string>('pending');
  const [caseFilter, setCaseFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [leads, setLeads] = useState<Lead[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [decided, setDecided] = useState('');

  const load = async (keep?: string | null) => {
    setError('');
    try {
      const query = new URLSearchParams({ status, limit: '500' });
      if (applied) query.set('case', applied);
      const r = await api<{ leads: Lead[] }>(`/v1/leads?${query}`);
      // Newest first: the most recent searches are the ones waiting on someone.
      const list = [...r.leads].reverse();
      setLeads(list);
      const next = keep && list.some((l) => l.leadId === keep) ? keep : (list.find((l) => mayDecide(session, l)) ?? list[0])?.leadId ?? null;
      setSelected(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => {
    load(selected);
  }, [status, applied]);

  const onDecided = (lead: Lead, decision: string) => {
    setDecided(`Lead ${lead.subjectId} ${decision}. The decision and your note are in the audit log.`);
    load(null);
  };

  const current = leads?.find((l) => l.leadId === selected) ?? null;

  return (
    <section aria-labelledby="review-title">
      <div class="page-head">
        <h1 id="review-title">Review queue</h1>
        <span class="hint">{leads ? `${leads.length} ${status}` : ''}</span>
      </div>
      <p class="hint">
        Each lead is a possible match from an identification search. It is not an identification: compare the faces,
        decide, and say why. You cannot decide a lead from your own search.
      </p>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setApplied(caseFilter.trim()); }}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {statuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Case
          <input value={caseFilter} maxLength={128} onInput={(e) => setCaseFilter(e.currentTarget.value)} />
        </label>
        <button type="submit" class="quiet">Filter</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {decided && <p class="verified" role="status">{decided}</p>}
      <div class="review">
        <ul class="queue" aria-label="Leads">
          {leads?.length === 0 && <li class="empty">No {status} leads{applied ? ` in case ${applied}` : ''}.</li>}
          {leads?.map((l) => (
            <li key={l.leadId}>
              <button type="button" data-testid="lead-item" class={`lead-item${l.leadId === selected ? ' selected' : ''}`}
                aria-current={l.leadId === selected ? 'true' : undefined} onClick={() => { setDecided(''); setSelected(l.leadId); }}>
                <span class="lead-sim">{l.similarity.toFixed(1)}%</span>
                <span class="lead-facts">
                  <span>Case {l.case ?? '(none)'} · {l.purpose ?? '(no purpose)'}</span>
                  <span class="hint">{l.subjectType} {l.subjectId.slice(0, 8)} · {l.collectionId} · {age(l.createdAt)}</span>
                  {l.searchedBy === session.accessKeyId && <span class="badge own">your search</span>}
                  {l.status !== 'pending' && <span class={`badge ${l.status}`}>{l.status}</span>}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {current ? <LeadDetail key={current.leadId} lead={current} onDecided={onDecided} /> : <div class="lead-detail empty">Choose a lead.</div>}
      </div>
    </section>
  );
}

const mayDecide = (session: Session, lead: Lead) => lead.status === 'pending' && lead.searchedBy !== session.accessKeyId;
