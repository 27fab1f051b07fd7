import { useEffect, useState } from 'preact/hooks';

/**
 * Where the page is, from the URL's fragment (`#/deliveries/dlv_…?status=failed`): every view has a link that can be
 * pasted into an incident channel, reload keeps it, and Back and Forward move between views inside the app. A
 * fragment, not a path, because the page is served under whatever path the application mounts it, by one route.
 */
export interface Route {
  /** The path's segments, decoded: `['deliveries', 'dlv_01…']`; `[]` is the overview. */
  readonly segments: readonly string[];
  /** The query after the path (filters of a list). */
  readonly params: URLSearchParams;
}

/** The route of a fragment such as `#/endpoints/ep_1?x=y`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2) as [string, string?];
  const segments = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  return { segments, params: new URLSearchParams(query) };
}

/** The fragment of a view: `href(['deliveries', id])`, with a query from `params` (empty values left out). */
export function href(
  segments: readonly string[],
  params?: Record<string, string | undefined> | URLSearchParams,
): string {
  const path = segments.map((segment) => encodeURIComponent(segment)).join('/');
  const query = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params ?? {});
  for (const [key, value] of entries) if (value !== undefined && value !== '') query.set(key, value);
  const search = query.toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

/** Goes to a view; `replace` changes the current history entry instead of adding one (e.g. while typing a filter). */
export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === location.hash) return;
  if (replace) {
    history.replaceState(history.state, '', to);
    // replaceState fires no hashchange: tell the listeners ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = to;
  }
}

/** The current route, re-rendering on every change of the fragment (links, Back, Forward, `navigate`). */
export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return parseRoute(hash);
}
