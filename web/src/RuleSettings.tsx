import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { ConfirmButton, list, message } from './ui';

type Rule = { id: string; label: string; minConfidence: number; webhook: string | null; cameras: string[]; zones: string[]; emails: string[]; sms: string[] };
type Created = Rule & { secret: string };

const blank = { label: 'person', minConfidence: '80', cameras: '', zones: '', webhook: '', emails: '', sms: '' };

/** Alert rules: list, add (label, confidence, where, and at least one channel), remove. */
export function RuleSettings() {
  const [rules, setRules] = useState<Rule[]>([]);
  const [form, setForm] = useState(blank);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState('');

  const load = () => api<{ rules: Rule[] }>('/v1/alert-rules').then((r) => setRules(r.rules)).catch((e) => setError(message(e)));
  useEffect(() => {
    load();
  }, []);

  const add = async (e: Event) => {
    e.preventDefault();
    try {
      setCreated(await api<Created>('/v1/alert-rules', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          label: form.label.trim(),
          minConfidence: Number(form.minConfidence),
          cameras: list(form.cameras),
          zones: list(form.zones),
          webhook: form.webhook.trim() || null,
          emails: list(form.emails),
          sms: list(form.sms),
        }),
      }));
      setForm(blank);
      setError('');
      await load();
    } catch (err) {
      setError(message(err));
    }
  };

  const remove = async (id: string) => {
    try {
      await api<void>(`/v1/alert-rules/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setError('');
      await load();
    } catch (err) {
      setError(message(err));
    }
  };

  const field = (name: keyof typeof blank, label: string, hint?: string) => (
    <label>
      {label}
      <input value={form[name]} data-testid={`rule-${name}`} inputMode={name === 'minConfidence' ? 'decimal' : undefined}
        placeholder={hint} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
    </label>
  );

  return (
    <div>
      <h2>Alert rules</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {created && (
        <div class="secret" role="status">
          <p><strong>Rule {created.id} added.</strong> Its webhook signing secret is shown only now:</p>
          <p><code class="secret-value" data-testid="rule-secret">{created.secret}</code></p>
          <button type="button" class="quiet" onClick={() => setCreated(null)}>I have copied it</button>
        </div>
      )}
      <form class="settings-form" onSubmit={add}>
        {field('label', 'Label')}
        {field('minConfidence', 'Minimum confidence (0–100)')}
        {field('cameras', 'Cameras', 'all; or yard, gate')}
        {field('zones', 'Zones', 'any; or porch')}
        {field('webhook', 'Webhook URL', 'https://…')}
        {field('emails', 'Email addresses', 'desk@example.org')}
        {field('sms', 'SMS targets', 'GATEWAY:+15551234567')}
        <p class="hint">A rule needs at least one channel: a webhook, email addresses or SMS targets.</p>
        <button type="submit" data-testid="rule-add">Add rule</button>
      </form>
      {rules.length === 0 ? (
        <p class="empty">No alert rules.</p>
      ) : (
        <div class="table-wrap">
          <table class="data wide">
            <caption class="sr-only">Alert rules</caption>
            <thead>
              <tr><th scope="col">Rule</th><th scope="col">Label</th><th scope="col">Confidence</th><th scope="col">Cameras</th><th scope="col">Zones</th><th scope="col">Channels</th><th scope="col"><span class="sr-only">Remove</span></th></tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} data-testid="rule-row" data-rule={r.id}>
                  <td class="mono">{r.id}</td>
                  <td>{r.label}</td>
                  <td>≥ {r.minConfidence}</td>
                  <td>{r.cameras.join(', ') || 'all'}</td>
                  <td>{r.zones.join(', ') || 'any'}</td>
                  <td>{[r.webhook, ...r.emails, ...r.sms].filter(Boolean).join(', ')}</td>
                  <td><ConfirmButton label="Delete" confirm={`Delete rule ${r.id}?`} testId="rule-delete" onConfirm={() => remove(r.id)} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
