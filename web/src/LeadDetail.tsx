import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

export type Lead = {
  leadId: string;
  searchSeq: number;
  case: string | null;
  purpose: string | null;
  collectionId: string | null;
  subjectType: string;
  subjectId: string;
  similarity: number;
  searchedBy: string;
  status: string;
  reviewer: string | null;
  note: string | null;
  createdAt: string;
  reviewedAt: string | null;
};

type Review = {
  lead: Lead;
  search: { seq: number; at: string; operation: string; actor: string; role: string; case: string | null; purpose: string | null; threshold: string | null; probe: string | null } | null;
  candidate: { subjectType: string; subjectId: string; collectionId: string | null; inCollection: boolean; faces: { faceId: string; externalImageId: string | null; userId: string | null }[] };
  falseMatch: { perComparison: number | null; atMost: boolean; facesInCollection: number | null; expectedInCollection: number | null; basis: string };
  hasProbeImage: boolean;
  mayDecide: boolean;
  whyNot: string | null;
};

const round2 = (n: number) => Number(n.toPrecision(2)).toLocaleString('en');

/** A rate as people read it: "about 1 in 310,000" (or a percentage when it is not small). */
export function oneIn(rate: number) {
  if (rate >= 0.01) return `${(rate * 100).toFixed(1)}%`;
  if (rate <= 0) return 'less than 1 in 10 billion';
  return `about 1 in ${round2(1 / rate)}`;
}

function expected(n: number) {
  if (n >= 1) return `about ${round2(n)} false candidates`;
  if (n >= 0.01) return `about 1 false candidate in every ${round2(1 / n)} searches`;
  return 'fewer than 1 false candidate in 100 searches';
}

const decisions = [
  { status: 'confirmed', label: 'Confirm match', testid: 'lead-confirm' },
  { status: 'rejected', label: 'Reject', testid: 'lead-reject' },
  { status: 'inconclusive', label: 'Inconclusive', testid: 'lead-inconclusive' },
] as const;

/** One lead beside the faces it is about: the searched face, the candidate's enrolled faces, what the score means, and the decision. */
export function LeadDetail({ lead, onDecided }: { lead: Lead; onDecided: (lead: Lead, decision: string) => void }) {
  const [review, setReview] = useState<Review | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [probeMissing, setProbeMissing] = useState(false);

  useEffect(() => {
    api<Review>(`/v1/leads/${lead.leadId}`).then(setReview).catch((e) => setError(e.message));
  }, [lead.leadId]);

  const decide = async (status: string) => {
    setBusy(true);
    setError('');
    try {
      await api(`/v1/leads/${lead.leadId}/review`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status, note: note.trim() }),
      });
      onDecided(lead, status);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!review) return <div class="lead-detail">{error ? <p class="error" role="alert">{error}</p> : <p class="hint">Loading the lead…</p>}</div>;
  const { search, candidate, falseMatch } = review;
  const collection = encodeURIComponent(candidate.collectionId ?? '');

  return (
    <article class="lead-detail" aria-labelledby="lead-title">
      <h2 id="lead-title">
        Lead: {candidate.subjectType} {candidate.subjectId}
        <span class={`badge ${lead.status}`}>{lead.status}</span>
      </h2>
      <div class="compare">
        <figure>
          {review.hasProbeImage && !probeMissing
            ? <img src={`/v1/leads/${lead.leadId}/probe.jpg`} alt="The searched face" onError={() => setProbeMissing(true)} />
            : <div class="no-face">No image of the searched face was kept{search?.probe ? ` (${search.probe.slice(0, 40)})` : ''}.</div>}
          <figcaption>Searched face</figcaption>
        </figure>
        <div class="candidate-faces">
          {!candidate.inCollection && <div class="no-face">The candidate is no longer in collection {candidate.collectionId ?? '(unknown)'}.</div>}
          {candidate.faces.map((f) => (
            <figure key={f.faceId}>
              <img src={`/v1/collections/${collection}/faces/${encodeURIComponent(f.faceId)}/image.jpg`}
                alt={`Enrolled face ${f.externalImageId ?? f.faceId}`} />
              <figcaption>Enrolled: {f.externalImageId ?? f.faceId.slice(0, 8)}</figcaption>
            </figure>
          ))}
        </div>
      </div>

      <dl class="lead-facts-list">
        <dt>Similarity</dt>
        <dd><strong>{lead.similarity.toFixed(2)}%</strong></dd>
        <dt>What it means</dt>
        <dd>
          {falseMatch.perComparison == null
            ? 'This face model has no calibrated false-match rate.'
            : <>
                A different person scores this high in {falseMatch.atMost && 'at most '}{oneIn(falseMatch.perComparison)} comparisons (estimated
                {falseMatch.atMost && '; the calibration estimates no further'}).
                {falseMatch.facesInCollection != null && falseMatch.expectedInCollection != null &&
                  <> Collection {candidate.collectionId} holds {falseMatch.facesInCollection.toLocaleString('en')} faces now: a search of it could show {falseMatch.atMost && 'at most '}{expected(falseMatch.expectedInCollection)} at this score or above.</>}
              </>}
          <details>
            <summary>How this is estimated</summary>
            <p>{falseMatch.basis}</p>
          </details>
        </dd>
        <dt>Case</dt>
        <dd>{lead.case ?? '(none)'}</dd>
        <dt>Purpose</dt>
        <dd>{lead.purpose ?? '(none)'}</dd>
        <dt>Searched by</dt>
        <dd>{lead.searchedBy}{search && <> ({search.role}) · {search.operation} · {new Date(search.at).toLocaleString()}{search.threshold && <> · threshold {search.threshold}%</>} · audit record #{search.seq}</>}</dd>
        {lead.status !== 'pending' && <>
          <dt>Decided</dt>
          <dd>{lead.status} by {lead.reviewer}{lead.reviewedAt && <> on {new Date(lead.reviewedAt).toLocaleString()}</>}: {lead.note}</dd>
        </>}
      </dl>

      {review.mayDecide ? (
        <form class="decision" onSubmit={(e) => e.preventDefault()}>
          <p class="hint">
            Confirm only if the faces show the same person to you — the score alone never does. A confirmed lead is still
            a lead to corroborate, not an identification.
          </p>
          <label for="lead-note">Note: what you compared and why (required)</label>
          <textarea id="lead-note" data-testid="lead-note" rows={3} maxLength={2000} required value={note}
            onInput={(e) => setNote(e.currentTarget.value)} />
          <div class="decision-buttons">
            {decisions.map((d) => (
              <button key={d.status} type="button" data-testid={d.testid} class={d.status === 'confirmed' ? '' : 'quiet'}
                disabled={busy || note.trim().length === 0} onClick={() => decide(d.status)}>
                {d.label}
              </button>
            ))}
          </div>
        </form>
      ) : (
        <p class="why-not" role="note">{review.whyNot}</p>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </article>
  );
}
