import type { EndpointFailureCount } from './api-client.js';
import { type EndpointsById, EndpointName } from './delivery-endpoint.js';

const WIDTH = 120;

/**
 * The endpoints with the most failed attempts in the last hour, each named (a deleted one marked), with its failed
 * share of attempts drawn as a bar.
 */
export function FailingMostTable({ counts, endpoints }: { counts: EndpointFailureCount[]; endpoints: EndpointsById }) {
  if (counts.length === 0)
    return (
      <p class="muted" data-testid="no-failed-attempts">
        No failed attempt in the last hour.
      </p>
    );
  return (
    <table class="stacked" data-testid="failing-most">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">Failed attempts</th>
          <th scope="col">Attempts</th>
          <th scope="col">Failed share</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((count) => {
          const share = count.failed / Math.max(1, count.attempts);
          return (
            <tr key={count.endpointId}>
              <td data-label="Endpoint">
                <EndpointName id={count.endpointId} endpoints={endpoints} />
              </td>
              <td data-label="Failed attempts">{count.failed}</td>
              <td data-label="Attempts">{count.attempts}</td>
              <td data-label="Failed share">
                <span>
                  <svg class="share" viewBox={`0 0 ${WIDTH} 10`} aria-hidden="true">
                    <rect class="whole" x={0} y={0} width={WIDTH} height={10} />
                    <rect class="part" x={0} y={0} width={share * WIDTH} height={10} />
                  </svg>{' '}
                  {Math.round(share * 100)}%
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
