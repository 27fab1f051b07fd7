import { useEffect, useRef } from 'preact/hooks';

/** How long a view may take to show its heading (its data loading) before focus goes to `main` itself. */
const HEADING_WAIT_MS = 3_000;

/**
 * On every change of view (not of a list's filters: `viewKey` is the route's path), moves the keyboard focus to the
 * new view's heading, as a screen reader user expects from a page change, and scrolls to the top. Not on the first
 * view: a page that just loaded keeps the browser's own focus.
 */
export function useFocusOnViewChange(viewKey: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    return focusHeadingOf(document.querySelector('main'));
  }, [viewKey]);
}

/** Focuses `main`'s first heading, now or once it is rendered; cancelled by the returned function. */
function focusHeadingOf(main: HTMLElement | null): (() => void) | undefined {
  if (!main) return undefined;
  const focusHeading = () => {
    const heading = main.querySelector<HTMLElement>('h2');
    if (!heading) return false;
    // Focusable by script only: the heading is not a stop of the Tab order.
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus();
    return true;
  };
  if (focusHeading()) return undefined;
  const observer = new MutationObserver(() => {
    if (focusHeading()) stop();
  });
  const timer = setTimeout(() => {
    stop();
    main.focus();
  }, HEADING_WAIT_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(main, { childList: true, subtree: true });
  return stop;
}
