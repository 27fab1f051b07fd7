import type { AttemptBucket } from './api-client.js';

const WIDTH = 900;
const HEIGHT = 140;

/**
 * Attempts per minute over the last hours, succeeded stacked under failed, drawn as SVG rectangles (attributes and
 * classes only: the page's CSP allows no inline style). Each bar's title gives its minute and counts.
 */
export function AttemptsChart({ buckets }: { buckets: AttemptBucket[] }) {
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.succeeded + bucket.failed));
  const step = WIDTH / Math.max(1, buckets.length);
  const bar = Math.max(1, step - 1);
  const scale = (count: number) => (count / peak) * (HEIGHT - 10);
  const total = buckets.reduce((sum, bucket) => sum + bucket.succeeded + bucket.failed, 0);
  return (
    <figure class="chart">
      <svg
        data-testid="attempts-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Attempts per minute: ${total} in all, at most ${peak} in a minute`}
      >
        {buckets.map((bucket, index) => {
          const ok = scale(bucket.succeeded);
          const bad = scale(bucket.failed);
          const x = index * step;
          const label = `${new Date(bucket.at).toLocaleTimeString()}: ${bucket.succeeded} succeeded, ${bucket.failed} failed`;
          return (
            <g key={bucket.at}>
              <title>{label}</title>
              {ok > 0 && <rect class="bar succeeded" x={x} y={HEIGHT - ok} width={bar} height={ok} />}
              {bad > 0 && <rect class="bar failed" x={x} y={HEIGHT - ok - bad} width={bar} height={bad} />}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">
        Attempts per minute, last {Math.round((buckets.length * 60_000) / 3_600_000)} h:{' '}
        <span class="key succeeded">succeeded</span> <span class="key failed">failed</span> (peak {peak}/min)
      </figcaption>
    </figure>
  );
}
