import { describe, expect, it } from 'vitest';
import { ENDPOINT_NOTICE_INTERVAL, EndpointFailureNotices } from './endpoint-failure.notices.js';

const MINUTE = 60_000;

describe('EndpointFailureNotices', () => {
  it('says nothing about an endpoint that keeps answering', () => {
    const notices = new EndpointFailureNotices();
    expect(notices.observe('erp', null, 0)).toBeUndefined();
    expect(notices.observe('erp', null, 1)).toBeUndefined();
  });

  it('reports the first failure since start, with its reason', () => {
    const notices = new EndpointFailureNotices();
    expect(notices.observe('erp', '401 Unauthorized', 0)).toEqual({ kind: 'failing', reason: '401 Unauthorized' });
  });

  it('reports the first failure after a success', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', null, 0);
    expect(notices.observe('erp', '503 Service Unavailable', 1)).toEqual({
      kind: 'failing',
      reason: '503 Service Unavailable',
    });
  });

  it('reports a burst of failures once', () => {
    const notices = new EndpointFailureNotices();
    const said = [0, 1, 2, 3, 4].map((at) => notices.observe('erp', '401 Unauthorized', at));
    expect(said.filter(Boolean)).toHaveLength(1);
  });

  it('keeps silent about an endpoint that goes on failing for hours', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    expect(notices.observe('erp', '401 Unauthorized', 10 * 60 * MINUTE)).toBeUndefined();
  });

  it('reports the recovery with the failed attempts since the warning and the last reason', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    notices.observe('erp', '401 Unauthorized', MINUTE);
    notices.observe('erp', 'connect ECONNREFUSED 10.0.0.7:443', 2 * MINUTE);
    expect(notices.observe('erp', null, 3 * MINUTE)).toEqual({
      kind: 'recovered',
      failedAttempts: 3,
      lastReason: 'connect ECONNREFUSED 10.0.0.7:443',
    });
  });

  it('reports a recovery that comes soon after the warning', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    expect(notices.observe('erp', null, 5_000)).toEqual({
      kind: 'recovered',
      failedAttempts: 1,
      lastReason: '401 Unauthorized',
    });
  });

  it('reports a recovery once', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    notices.observe('erp', null, 1);
    expect(notices.observe('erp', null, 2)).toBeUndefined();
  });

  it('holds back a warning within the interval of the last one', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    notices.observe('erp', null, MINUTE);
    expect(notices.observe('erp', '401 Unauthorized', ENDPOINT_NOTICE_INTERVAL - 1)).toBeUndefined();
  });

  it('says at most two lines per interval about an endpoint that flaps: the warning and its recovery', () => {
    const notices = new EndpointFailureNotices();
    const said = [];
    for (let at = 0; at < ENDPOINT_NOTICE_INTERVAL; at += 1000)
      said.push(notices.observe('erp', at % 2000 ? null : 'timed out', at));
    expect(said.filter(Boolean).map((notice) => notice?.kind)).toEqual(['failing', 'recovered']);
  });

  it('warns again when an endpoint fails after its recovery was reported and the interval passed', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    notices.observe('erp', null, ENDPOINT_NOTICE_INTERVAL);
    expect(notices.observe('erp', '500 Internal Server Error', 2 * ENDPOINT_NOTICE_INTERVAL)).toEqual({
      kind: 'failing',
      reason: '500 Internal Server Error',
    });
  });

  it('keeps each endpoint to itself', () => {
    const notices = new EndpointFailureNotices();
    notices.observe('erp', '401 Unauthorized', 0);
    expect(notices.observe('crm', '401 Unauthorized', 1)).toMatchObject({ kind: 'failing' });
  });

  it('forgets endpoints unseen for an interval once it remembers more than a thousand (deleted while failing)', () => {
    const notices = new EndpointFailureNotices();
    for (let n = 0; n <= 1_000; n++) notices.observe(`deleted-${n}`, '503 Service Unavailable', 0);
    notices.observe('erp', '401 Unauthorized', ENDPOINT_NOTICE_INTERVAL);
    notices.observe('erp', '401 Unauthorized', ENDPOINT_NOTICE_INTERVAL + 1);
    expect(notices.size).toBe(1);
  });
});
