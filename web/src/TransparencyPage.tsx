import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { oneIn } from './LeadDetail';
import { BarChart, BarTable, type Bar } from './Chart';
import { message, when } from './ui';

type Report = {
  from: string;
  to: string;
  generatedAt: string;
  searches: { total: number; byPurpose: Record<string, number>; withoutCase: number; refused: number; lowestThreshold: number | null; medianThreshold: number | null };
  leads: { produced: number; reviewed: number; confirmed: number; rejected: number; inconclusive: number; confirmedRate: number | null; rejectedRate: number | null };
  operationsByRole: Record<string, Record<string, number>>;
  collections: { collectionId: string; faces: number; users: number }[];
  rules: {
    identificationThresholdFloor: number;
    requireCase: boolean;
    reviewOwnSearches: boolean;
    purposes: string[];
    collectionsWithRetention: number;
    legalHolds: number;
    facesDeletedByRetention: number;
  };
  falseMatches: { atThresholdFloor: number | null; atLowestThreshold: number | null; atMedianThreshold: number | null; basis: string } | null;
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const fmr = (r: number | null) => (r === null ? '—' : `${oneIn(r)} comparisons`);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The transparency report over a period: what can be published about the use of face search, as tables and charts, and as CSV. */
export function TransparencyPage() {
  const now = new Date();
  const [period, setPeriod] = useState({ from: day(new Date(now.getTime() - 365 * 864e5)), to: day(new Date(now.getTime() + 864e5)) });
  const [applied, setApplied] = useState(period);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    setError('');
    api<Report>(`/v1/reports/transparency?${new URLSearchParams(applied)}`)
      .then(setReport)
      .catch((e) => (setReport(null), setError(message(e))));
  }, [applied]);

  const csv = `/v1/reports/transparency?${new URLSearchParams({ format: 'csv', ...applied })}`;
  const purposes: Bar[] = report ? Object.entries(report.searches.byPurpose).map(([label, value]) => ({ label, value })) : [];
  const outcomes: Bar[] = report
    ? [
        { label: 'confirmed', value: report.leads.confirmed },
        { label: 'rejected', value: report.leads.rejected },
        { label: 'inconclusive', value: report.leads.inconclusive },
        { label: 'not yet reviewed', value: Math.max(0, report.leads.produced - report.leads.reviewed) },
      ]
    : [];
  const roles: Bar[] = report ? Object.entries(report.operationsByRole).map(([label, ops]) => ({ label, value: sum(ops) })) : [];

  return (
    <section aria-labelledby="transparency-title" class="report">
      <div class="page-head">
        <h1 id="transparency-title">Transparency report</h1>
        <a class="button-link" href={csv} download={`transparency-${applied.from}-${applied.to}.csv`} data-testid="transparency-csv">Download CSV</a>
      </div>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setApplied(period); }}>
        <label>
          From
          <input type="date" required value={period.from} data-testid="transparency-from" onInput={(e) => setPeriod({ ...period, from: e.currentTarget.value })} />
        </label>
        <label>
          Until (not included)
          <input type="date" required value={period.to} data-testid="transparency-to" onInput={(e) => setPeriod({ ...period, to: e.currentTarget.value })} />
        </label>
        <button type="submit" class="quiet">Show</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {report && (
        <>
          <p class="hint">
            Aggregate figures only — no case numbers, people, images or notes — from the audit chain, for{' '}
            <time dateTime={report.from}>{when.format(new Date(report.from))}</time> to <time dateTime={report.to}>{when.format(new Date(report.to))}</time>.
            Candidates a search returns are leads for human review, never identifications.
          </p>

          <h2>Searches</h2>
          <dl class="figures" data-testid="report-searches">
            <div><dt>Identification searches</dt><dd>{report.searches.total}</dd></div>
            <div><dt>Without a case (flagged)</dt><dd>{report.searches.withoutCase}</dd></div>
            <div><dt>Refused</dt><dd>{report.searches.refused}</dd></div>
            <div><dt>Lowest threshold used</dt><dd>{report.searches.lowestThreshold ?? '—'}</dd></div>
            <div><dt>Median threshold</dt><dd>{report.searches.medianThreshold ?? '—'}</dd></div>
          </dl>
          <div class="chart-pair">
            <BarChart id="purpose" title="Searches by purpose" bars={purposes} unit="searches" />
            <BarTable caption="Searches by purpose" head={['Purpose', 'Searches']} bars={purposes} />
          </div>

          <h2>Leads and review</h2>
          <dl class="figures" data-testid="report-leads">
            <div><dt>Leads produced</dt><dd>{report.leads.produced}</dd></div>
            <div><dt>Reviewed</dt><dd>{report.leads.reviewed}</dd></div>
            <div><dt>Confirmed rate</dt><dd>{rate(report.leads.confirmedRate)}</dd></div>
            <div><dt>Rejected rate (false matches found by review)</dt><dd>{rate(report.leads.rejectedRate)}</dd></div>
          </dl>
          <div class="chart-pair">
            <BarChart id="leads" title="Lead review outcomes" bars={outcomes} unit="leads" />
            <BarTable caption="Lead review outcomes" head={['Outcome', 'Leads']} bars={outcomes} />
          </div>

          {report.falseMatches && (
            <>
              <h2>Estimated false-match rates</h2>
              <dl class="figures" data-testid="report-false-matches">
                <div><dt>At the threshold floor ({report.rules.identificationThresholdFloor})</dt><dd>{fmr(report.falseMatches.atThresholdFloor)}</dd></div>
                <div><dt>At the lowest threshold searched with{report.searches.lowestThreshold !== null ? ` (${report.searches.lowestThreshold})` : ''}</dt><dd>{fmr(report.falseMatches.atLowestThreshold)}</dd></div>
                <div><dt>At the median threshold searched with{report.searches.medianThreshold !== null ? ` (${report.searches.medianThreshold})` : ''}</dt><dd>{fmr(report.falseMatches.atMedianThreshold)}</dd></div>
              </dl>
              <p class="hint">{report.falseMatches.basis}</p>
            </>
          )}

          <h2>Operations by role</h2>
          <div class="chart-pair">
            <BarChart id="roles" title="Operations by role" bars={roles} unit="operations" />
            <table class="data">
              <caption>Operations by role</caption>
              <thead><tr><th scope="col">Role</th><th scope="col">Operation</th><th scope="col" class="num">Count</th></tr></thead>
              <tbody>
                {Object.entries(report.operationsByRole).flatMap(([role, ops]) =>
                  Object.entries(ops).map(([op, n]) => (
                    <tr key={`${role}:${op}`}><td>{role}</td><td>{op}</td><td class="num">{n}</td></tr>
                  )))}
              </tbody>
            </table>
          </div>

          <h2>Collections</h2>
          {report.collections.length === 0 ? (
            <p class="empty">No collections.</p>
          ) : (
            <table class="data">
              <caption class="sr-only">Collection sizes now</caption>
              <thead><tr><th scope="col">Collection</th><th scope="col" class="num">Faces</th><th scope="col" class="num">People (users)</th></tr></thead>
              <tbody>
                {report.collections.map((c) => (
                  <tr key={c.collectionId}><td>{c.collectionId}</td><td class="num">{c.faces}</td><td class="num">{c.users}</td></tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>Rules in force</h2>
          <dl class="figures">
            <div><dt>Identification threshold floor</dt><dd>{report.rules.identificationThresholdFloor}</dd></div>
            <div><dt>A case is required</dt><dd>{report.rules.requireCase ? 'yes' : 'no'}</dd></div>
            <div><dt>People may review their own searches</dt><dd>{report.rules.reviewOwnSearches ? 'yes' : 'no'}</dd></div>
            <div><dt>Purposes</dt><dd class="words">{report.rules.purposes.join(', ') || '—'}</dd></div>
            <div><dt>Collections with retention rules</dt><dd>{report.rules.collectionsWithRetention}</dd></div>
            <div><dt>Legal holds</dt><dd>{report.rules.legalHolds}</dd></div>
            <div><dt>Faces deleted by retention</dt><dd>{report.rules.facesDeletedByRetention}</dd></div>
          </dl>
        </>
      )}
    </section>
  );
}
