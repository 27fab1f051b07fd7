import { href } from './router.js';
import { formatTime } from './time-format.js';
import { useSession, useWords } from './wording.js';

/** The views in the navigation: route section and label. */
export const VIEWS: ReadonlyArray<readonly [section: string, label: string]> = [
  ['overview', 'Overview'],
  ['endpoints', 'Endpoints'],
  ['deliveries', 'Deliveries'],
  ['event-types', 'Event types'],
];

/**
 * The page's banner: its name (and the tenant, in a customer's portal), the views, the switch between the browser's
 * time zone and UTC, and signing out.
 */
export function AppHeader({
  section,
  utc,
  onUtcChange,
  onSignOut,
}: {
  section: string;
  utc: boolean;
  onUtcChange: (utc: boolean) => void;
  onSignOut: () => void;
}) {
  const session = useSession();
  const words = useWords();
  return (
    <header class="app-header">
      <div class="brand">
        <h1>{words.title}</h1>
        {session.tenant !== null && (
          <p class="tenant" data-testid="tenant">
            <span class="muted">for</span> <strong>{session.tenant}</strong>
            {session.expiresAt !== null && <span class="muted"> · session ends {formatTime(session.expiresAt)}</span>}
          </p>
        )}
      </div>
      <nav aria-label="Views">
        {VIEWS.map(([id, label]) => (
          <a key={id} href={href(id === 'overview' ? [] : [id])} aria-current={section === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <div class="header-tools">
        <label class="utc-switch">
          <input
            type="checkbox"
            name="utc"
            data-testid="utc-switch"
            checked={utc}
            onChange={(event) => onUtcChange((event.target as HTMLInputElement).checked)}
          />{' '}
          Times in UTC
        </label>
        <button type="button" class="link-button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
