import type { EndpointFailureCount } from './api-client.js';

const WIDTH = 120;

/** The endpoints with the most failed attempts in the last hour, each with its failed share drawn as a bar. */
export function FailingMostTable({ counts }: { counts: EndpointFailureCount[] }) {
  if (counts.length === 0)
    return (
      <p class="muted" data-testid="no-failed-attempts">
        No failed attempt in the last hour.
      </p>
    );
  return (
    <table data-testid="failing-most">
      <thead>
        <tr>
          <th>Endpoint</th>
          <th>Failed attempts</th>
          <th>Of</th>
          <th>Failed share</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((count) => {
          const share = count.failed / Math.max(1, count.attempts);
          return (
            <tr key={count.endpointId}>
              <td>{count.endpointId}</td>
              <td>{count.failed}</td>
              <td>{count.attempts}</td>
              <td>
                <svg class="share" viewBox={`0 0 ${WIDTH} 10`} role="img" aria-label={`${Math.round(share * 100)}%`}>
                  <rect class="whole" x={0} y={0} width={WIDTH} height={10} />
                  <rect class="part" x={0} y={0} width={share * WIDTH} height={10} />
                </svg>{' '}
                {Math.round(share * 100)}%
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
