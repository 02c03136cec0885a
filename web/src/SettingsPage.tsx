import { useState } from 'preact/hooks';
import type { Session } from './api';
import { CameraSettings } from './CameraSettings';
import { KeySettings } from './KeySettings';
import { RuleSettings } from './RuleSettings';

const sections = [
  { id: 'cameras', title: 'Cameras and zones' },
  { id: 'rules', title: 'Alert rules' },
  { id: 'keys', title: 'Access keys' },
] as const;

type SectionId = (typeof sections)[number]['id'];

/** Settings for administrators: cameras and their zones, alert rules, access keys — each change audited by the API. */
export function SettingsPage({ session }: { session: Session }) {
  const [open, setOpen] = useState<SectionId>('cameras');
  return (
    <section aria-labelledby="settings-title">
      <div class="page-head">
        <h1 id="settings-title">Settings</h1>
      </div>
      <nav aria-label="Settings" class="subnav">
        {sections.map((s) => (
          <button key={s.id} type="button" class="quiet" aria-pressed={open === s.id} data-testid={`settings-${s.id}`} onClick={() => setOpen(s.id)}>{s.title}</button>
        ))}
      </nav>
      {open === 'cameras' && <CameraSettings />}
      {open === 'rules' && <RuleSettings />}
      {open === 'keys' && <KeySettings session={session} />}
    </section>
  );
}
