import { useEffect, useState } from 'preact/hooks';
import { can, signOut, type Session } from './api';
import { AuditPage } from './AuditPage';
import { AuthorizationsPage } from './AuthorizationsPage';
import { CamerasPage } from './CamerasPage';
import { CollectionsPage } from './CollectionsPage';
import { EventsPage } from './EventsPage';
import { ReviewPage } from './ReviewPage';
import { HotlistsPage } from './HotlistsPage';
import { RetentionPage } from './RetentionPage';
import { SearchPage } from './SearchPage';
import { SettingsPage } from './SettingsPage';
import { TransparencyPage } from './TransparencyPage';

type Page = { path: string; title: string; capability: string; render: (s: Session) => preact.JSX.Element };

// Screens appear in the navigation only for roles that may use them, as the API enforces.
const pages: Page[] = [
  { path: '#/events', title: 'Live events', capability: 'read', render: (s) => <EventsPage session={s} /> },
  { path: '#/cameras', title: 'Cameras', capability: 'read', render: () => <CamerasPage /> },
  { path: '#/search', title: 'Search', capability: 'search', render: () => <SearchPage /> },
  { path: '#/review', title: 'Review', capability: 'review', render: (s) => <ReviewPage session={s} /> },
  { path: '#/audit', title: 'Audit log', capability: 'audit', render: () => <AuditPage /> },
  { path: '#/collections', title: 'Collections', capability: 'read', render: (s) => <CollectionsPage session={s} /> },
  { path: '#/hotlists', title: 'Hotlists', capability: 'read', render: (s) => <HotlistsPage session={s} /> },
  { path: '#/authorizations', title: 'Authorizations', capability: 'administer', render: () => <AuthorizationsPage /> },
  { path: '#/transparency', title: 'Transparency', capability: 'audit', render: () => <TransparencyPage /> },
  { path: '#/retention', title: 'Retention', capability: 'audit', render: (s) => <RetentionPage session={s} /> },
  { path: '#/settings', title: 'Settings', capability: 'administer', render: (s) => <SettingsPage session={s} /> },
];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

export function Shell({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const hash = useHash();
  const allowed = pages.filter((p) => can(session, p.capability));
  const page = allowed.find((p) => p.path === hash) ?? allowed[0];

  useEffect(() => {
    document.title = page ? `${page.title} · Sightline` : 'Sightline';
  }, [page]);

  const leave = async () => {
    try {
      await signOut();
    } finally {
      onSignedOut();
    }
  };

  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Sightline</span>
        <nav data-testid="nav" aria-label="Main">
          <ul>
            {allowed.map((p) => (
              <li key={p.path}>
                <a href={p.path} aria-current={p === page ? 'page' : undefined}>{p.title}</a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" title={`Session ends ${new Date(session.expiresAt).toLocaleString()}`}>
          {session.accessKeyId} · {session.role}
        </span>
        <button type="button" class="quiet" onClick={leave}>Sign out</button>
      </header>
      <main id="main">{page ? page.render(session) : <p>This key's role has no screens in the console.</p>}</main>
    </div>
  );
}
