import { render } from 'preact';
import { useState } from 'preact/hooks';
import { token } from './api-client.js';
import { DeliveriesView } from './deliveries-view.js';
import { DeliveryPage } from './delivery-page.js';
import { EndpointPage } from './endpoint-page.js';
import { EndpointsView } from './endpoints-view.js';
import { EventTypesView } from './event-types-view.js';
import { LoginForm } from './login-form.js';
import { OverviewView } from './overview-view.js';
import { href, type Route, useRoute } from './router.js';

const PAGES: Array<[string, string]> = [
  ['overview', 'Overview'],
  ['endpoints', 'Endpoints'],
  ['deliveries', 'Deliveries'],
  ['event-types', 'Event types'],
];

/**
 * The webhook dashboard: every value shown comes from the admin API and is rendered as text by Preact (never as
 * HTML), so nothing a receiver answers or an event holds can run in the page. Every view is a URL (see router.ts).
 */
function Dashboard() {
  const [signedIn, setSignedIn] = useState(token.get() !== null);
  const route = useRoute();
  const signOut = () => {
    token.clear();
    setSignedIn(false);
  };
  if (!signedIn) return <LoginForm onSignedIn={() => setSignedIn(true)} />;
  const section = route.segments[0] ?? 'overview';
  return (
    <>
      <header>
        <h1>Webhooks</h1>
        <nav aria-label="Views">
          {PAGES.map(([id, label]) => (
            <a key={id} href={href(id === 'overview' ? [] : [id])} aria-current={section === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <View route={route} onUnauthorized={signOut} />
      </main>
    </>
  );
}

function View({ route, onUnauthorized }: { route: Route; onUnauthorized: () => void }) {
  const [section = 'overview', id] = route.segments;
  if (section === 'overview' && id === undefined) return <OverviewView onUnauthorized={onUnauthorized} />;
  if (section === 'endpoints' && id === undefined) return <EndpointsView onUnauthorized={onUnauthorized} />;
  if (section === 'endpoints' && id !== undefined)
    return <EndpointPage key={id} id={id} onUnauthorized={onUnauthorized} />;
  if (section === 'deliveries' && id === undefined)
    return <DeliveriesView route={route} onUnauthorized={onUnauthorized} />;
  if (section === 'deliveries' && id !== undefined)
    return <DeliveryPage key={id} id={id} onUnauthorized={onUnauthorized} />;
  if (section === 'event-types') return <EventTypesView onUnauthorized={onUnauthorized} />;
  return (
    <section data-testid="not-found">
      <h2>No such view</h2>
      <p>
        This link names no view of the dashboard. <a href={href([])}>Go to the overview</a>.
      </p>
    </section>
  );
}

render(<Dashboard />, document.getElementById('app')!);
