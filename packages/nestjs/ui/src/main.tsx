import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { token } from './api-client.js';
import { AppHeader, VIEWS } from './app-header.js';
import { DeliveriesView } from './deliveries-view.js';
import { DeliveryPage } from './delivery-page.js';
import { EndpointPage } from './endpoint-page.js';
import { EndpointsView } from './endpoints-view.js';
import { EventTypesView } from './event-types-view.js';
import { LoginForm } from './login-form.js';
import { OverviewView } from './overview-view.js';
import { exchangePortalLink } from './portal-link.js';
import { href, type Route, useRoute } from './router.js';
import { timeZonePreference } from './time-format.js';
import { useApi } from './use-api.js';
import { useFocusOnViewChange } from './view-focus.js';
import { OPERATOR_SESSION, type Session, SessionContext, wordsFor } from './wording.js';

/**
 * The webhook dashboard: every value shown comes from the admin API and is rendered as text by Preact (never as
 * HTML), so nothing a receiver answers or an event holds can run in the page. Every view is a URL (see router.ts).
 */
function Dashboard({ linkError }: { linkError: string | undefined }) {
  const [signedIn, setSignedIn] = useState(token.get() !== null);
  // Why the login form shows: a portal link refused at start-up, or a portal session that ended.
  const [notice, setNotice] = useState(linkError);
  const signOut = useCallback((why?: string) => {
    token.clear();
    setNotice(why);
    setSignedIn(false);
  }, []);
  if (!signedIn) return <LoginForm notice={notice} onSignedIn={() => setSignedIn(true)} />;
  return <SignedIn onSignOut={signOut} />;
}

function SignedIn({ onSignOut }: { onSignOut: (why?: string) => void }) {
  const route = useRoute();
  const [session, setSession] = useState<Session>(OPERATOR_SESSION);
  // A refused token signs out; a portal link's session that ended says so (the customer opens a new link).
  const refused = useCallback(
    () =>
      onSignOut(
        session.expiresAt !== null ? 'Your session has ended: open the portal again from the application.' : undefined,
      ),
    [onSignOut, session.expiresAt],
  );
  const sessionState = useApi<Session>('session', refused);
  // A server without `GET session` (404) or not reachable yet: an operator's words until it answers.
  useEffect(() => {
    if (sessionState.data) setSession(sessionState.data);
  }, [sessionState.data]);
  // The whole page renders again when the reader flips the time zone: every time shown follows.
  const [utc, setUtc] = useState(timeZonePreference.utc());
  const changeUtc = (value: boolean) => {
    timeZonePreference.set(value);
    setUtc(value);
  };
  const section = route.segments[0] ?? 'overview';
  const viewKey = route.segments.join('/');
  useFocusOnViewChange(viewKey);
  useEffect(() => {
    document.title = `${viewTitle(route)} · ${wordsFor(session).title}`;
  }, [viewKey, session]);
  return (
    <SessionContext.Provider value={session}>
      <AppHeader section={section} utc={utc} onUtcChange={changeUtc} onSignOut={() => onSignOut()} />
      <main id="main" tabIndex={-1} data-time-zone={utc ? 'utc' : 'local'}>
        <View route={route} onUnauthorized={refused} />
      </main>
    </SessionContext.Provider>
  );
}

/** The tab's title of a view: its name, and the id of an endpoint's or a delivery's page. */
function viewTitle(route: Route): string {
  const [section = 'overview', id] = route.segments;
  const label = VIEWS.find(([view]) => view === section)?.[1];
  if (!label) return 'No such view';
  if (id === undefined) return label;
  return `${section === 'endpoints' ? 'Endpoint' : 'Delivery'} ${id}`;
}

function View({ route, onUnauthorized }: { route: Route; onUnauthorized: () => void }) {
  const [section = 'overview', id, ...rest] = route.segments;
  if (rest.length > 0) return <NotFound />;
  if (section === 'overview' && id === undefined) return <OverviewView onUnauthorized={onUnauthorized} />;
  if (section === 'endpoints' && id === undefined) return <EndpointsView onUnauthorized={onUnauthorized} />;
  if (section === 'endpoints' && id !== undefined)
    return <EndpointPage key={id} id={id} onUnauthorized={onUnauthorized} />;
  if (section === 'deliveries' && id === undefined)
    return <DeliveriesView route={route} onUnauthorized={onUnauthorized} />;
  if (section === 'deliveries' && id !== undefined)
    return <DeliveryPage key={id} id={id} onUnauthorized={onUnauthorized} />;
  if (section === 'event-types' && id === undefined) return <EventTypesView onUnauthorized={onUnauthorized} />;
  return <NotFound />;
}

/** A link naming no view (mistyped, or from a newer version of the page): said so, with the way back. */
function NotFound() {
  return (
    <section data-testid="not-found">
      <h2>No such view</h2>
      <p>
        This link names no view of the dashboard. <a href={href([])}>Go to the overview</a>, or pick a view above.
      </p>
    </section>
  );
}

/** A portal link in the address (`#link=…`) is exchanged for the tab's session before anything asks for a token. */
async function start(): Promise<void> {
  const outcome = await exchangePortalLink();
  render(
    <Dashboard linkError={typeof outcome === 'object' ? outcome.error : undefined} />,
    document.getElementById('app')!,
  );
}

void start();
