import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** Whom the page acts for, from `GET session`: an operator (every tenant) or a customer's portal (one tenant). */
export interface Session {
  mode: 'operator' | 'portal';
  /** The portal's tenant; `null` for an operator. */
  tenant: string | null;
  /** When a portal session ends (epoch ms); `null` when the application's own login decides. */
  expiresAt: number | null;
}

/** Until `GET session` answers (or on a server without it): an operator's page. */
export const OPERATOR_SESSION: Session = { mode: 'operator', tenant: null, expiresAt: null };

/**
 * The page's words that differ between an operator and a customer. Both use the same two nouns: a **delivery** is
 * one event to one endpoint (it succeeds, fails for good, or waits), an **attempt** is one HTTP request of it.
 */
export interface Words {
  /** The page's name in the header and the tab's title. */
  title: string;
  /** One sentence defining delivery and attempt, for a list or chart that counts either. */
  deliveryAndAttempt: string;
  overview: {
    succeeded: string;
    failed: string;
    pending: string;
    /** `null`: not shown in this mode. */
    due: string | null;
    oldestDue: string | null;
    unfanned: string | null;
    latencyP50: string;
    latencyP95: string;
    latencyP99: string;
    measured: string;
    /** What the latency tiles measure, said under them. */
    latencyExplained: string;
  };
  /** How an event type's origin is told (`null`: not shown in this mode, where it is the application's business). */
  eventTypeSource: ((source: string) => string) | null;
}

const DELIVERY_AND_ATTEMPT =
  'A delivery is one event sent to one endpoint; each HTTP request made for it is an attempt (a failed one is retried).';

/** The operator's words: the outbox's own terms are useful to whoever runs it. */
export const OPERATOR_WORDS: Words = {
  title: 'Webhooks',
  deliveryAndAttempt: DELIVERY_AND_ATTEMPT,
  overview: {
    succeeded: 'Deliveries succeeded, last hour',
    failed: 'Deliveries failed for good, last hour',
    pending: 'Deliveries waiting',
    due: 'Due now',
    oldestDue: 'Oldest due waits',
    unfanned: 'Events not fanned out yet',
    latencyP50: 'Commit → delivered, p50',
    latencyP95: 'p95',
    latencyP99: 'p99',
    measured: 'Deliveries measured, last hour',
    latencyExplained: 'From the commit of the change that made the event to the receiver’s 2xx answer.',
  },
  eventTypeSource: (source) => (source === 'options' ? 'published by the application' : `${source} entity`),
};

/** A customer's words: what was sent to them and how fast, nothing of how the sender works inside. */
export const PORTAL_WORDS: Words = {
  title: 'Webhooks',
  deliveryAndAttempt: DELIVERY_AND_ATTEMPT,
  overview: {
    succeeded: 'Deliveries succeeded, last hour',
    failed: 'Deliveries that failed for good, last hour',
    pending: 'Deliveries on their way',
    due: null,
    oldestDue: null,
    unfanned: null,
    latencyP50: 'Time to deliver, median',
    latencyP95: '95% delivered within',
    latencyP99: '99% delivered within',
    measured: 'Deliveries measured, last hour',
    latencyExplained: 'From the event to your endpoint’s 2xx answer.',
  },
  eventTypeSource: null,
};

/** The words of a session's mode. */
export function wordsFor(session: Session): Words {
  return session.mode === 'portal' ? PORTAL_WORDS : OPERATOR_WORDS;
}

/** The session the page runs in, provided by main.tsx once `GET session` answered. */
export const SessionContext = createContext<Session>(OPERATOR_SESSION);

/** The current session (operator until `GET session` says otherwise). */
export function useSession(): Session {
  return useContext(SessionContext);
}

/** The current mode's words: `const words = useWords(); words.overview.pending`. */
export function useWords(): Words {
  return wordsFor(useContext(SessionContext));
}
