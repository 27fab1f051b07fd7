import { render } from 'preact';
import { useState } from 'preact/hooks';
import { token } from './api-client.js';
import { DeliveriesView } from './deliveries-view.js';
import { EndpointsView } from './endpoints-view.js';
import { EventTypesView } from './event-types-view.js';
import { LoginForm } from './login-form.js';
import { OverviewView } from './overview-view.js';

type Page = 'overview' | 'endpoints' | 'deliveries' | 'event-types';

const PAGES: Array<[Page, string]> = [
  ['overview', 'Overview'],
  ['endpoints', 'Endpoints'],
  ['deliveries', 'Deliveries'],
  ['event-types', 'Event types'],
];

/**
 * The webhook dashboard: every value shown comes from the admin API and is rendered as text by Preact (never as
 * HTML), so nothing a receiver answers or an event holds can run in the page.
 */
function Dashboard() {
  const [signedIn, setSignedIn] = useState(token.get() !== null);
  const [page, setPage] = useState<Page>('overview');
  const signOut = () => {
    token.clear();
    setSignedIn(false);
  };
  if (!signedIn) return <LoginForm onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <header>
        <h1>Webhooks</h1>
        <nav>
          {PAGES.map(([id, label]) => (
            <button type="button" key={id} aria-current={page === id ? 'page' : undefined} onClick={() => setPage(id)}>
              {label}
            </button>
          ))}
        </nav>
      </header>
      <main>
        {page === 'overview' && <OverviewView onUnauthorized={signOut} />}
        {page === 'endpoints' && <EndpointsView onUnauthorized={signOut} />}
        {page === 'deliveries' && <DeliveriesView onUnauthorized={signOut} />}
        {page === 'event-types' && <EventTypesView onUnauthorized={signOut} />}
      </main>
    </>
  );
}

render(<Dashboard />, document.getElementById('app')!);
