import type { AttemptBucket } from './api-client.js';
import { formatTime } from './time-format.js';

const WIDTH = 900;
const HEIGHT = 140;

/** The series stacked in each bar, bottom first. */
const SERIES = ['succeeded', 'retrying', 'failed'] as const;

/**
 * Attempts (HTTP requests, retries included) per minute over the last hours, succeeded, retrying and failed (for good) stacked in that order, drawn as
 * SVG rectangles (attributes and classes only: the page's CSP allows no inline style). Each bar's title gives its
 * minute and counts.
 */
export function AttemptsChart({ buckets }: { buckets: AttemptBucket[] }) {
  const sum = (bucket: AttemptBucket) => bucket.succeeded + bucket.retrying + bucket.failed;
  const peak = Math.max(1, ...buckets.map(sum));
  const step = WIDTH / Math.max(1, buckets.length);
  const bar = Math.max(1, step - 1);
  const scale = (count: number) => (count / peak) * (HEIGHT - 10);
  const total = buckets.reduce((all, bucket) => all + sum(bucket), 0);
  return (
    <figure class="chart">
      <svg
        data-testid="attempts-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Attempts (HTTP requests) per minute: ${total} in all, at most ${peak} in a minute`}
      >
        {buckets.map((bucket, index) => {
          const x = index * step;
          const label =
            `${formatTime(bucket.at)}: ${bucket.succeeded} succeeded, ` +
            `${bucket.retrying} retrying, ${bucket.failed} failed`;
          let top = HEIGHT;
          return (
            <g key={bucket.at}>
              <title>{label}</title>
              {SERIES.map((series) => {
                const height = scale(bucket[series]);
                if (height <= 0) return null;
                top -= height;
                return <rect key={series} class={`bar ${series}`} x={x} y={top} width={bar} height={height} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">
        Attempts (HTTP requests, retries included) per minute, last {Math.round((buckets.length * 60_000) / 3_600_000)}{' '}
        h: <span class="key succeeded">■ succeeded</span>, <span class="key retrying">■ failed and retried</span>,{' '}
        <span class="key failed">■ failed for good</span> (peak {peak}/min)
      </figcaption>
    </figure>
  );
}
