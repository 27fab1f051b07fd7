import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { describe, expect, it } from 'vitest';
import { AdminUiController } from '../../packages/nestjs/src/admin/admin-ui.controller.js';
import { DeliveriesAdminController } from '../../packages/nestjs/src/admin/deliveries.admin-controller.js';
import { EndpointsAdminController } from '../../packages/nestjs/src/admin/endpoints.admin-controller.js';
import { EndpointFiguresAdminController } from '../../packages/nestjs/src/admin/endpoint-figures.admin-controller.js';
import { PortalSessionAdminController } from '../../packages/nestjs/src/admin/portal-session.admin-controller.js';
import { SessionAdminController } from '../../packages/nestjs/src/admin/session.admin-controller.js';
import { docsPage } from './reference-page.js';

/** Every route the admin module mounts, as `GET /endpoints/:id`, read from NestJS's own route metadata. */
function routesOf(controller: abstract new (...args: never[]) => unknown): string[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((property) => {
    const handler = prototype[property];
    if (typeof handler !== 'function') return [];
    const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    return path === undefined || method === undefined ? [] : [`${RequestMethod[method]} /${path}`];
  });
}

const routes = [
  EndpointsAdminController,
  DeliveriesAdminController,
  EndpointFiguresAdminController,
  AdminUiController,
  SessionAdminController,
  PortalSessionAdminController,
].flatMap(routesOf);
const page = docsPage('reference/admin-api.md');
/** The routes the page names as headings, e.g. "### `POST /endpoints/:id/test`". */
const documented = [...page.matchAll(/^#{2,4} `((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)`/gm)].map((match) => match[1]!);

describe('docs/reference/admin-api.md', () => {
  it('finds the admin routes in the controllers', () => {
    expect(routes.length).toBeGreaterThan(15);
  });

  for (const route of routes) {
    it(`documents ${route} under a heading of its own`, () => {
      expect(documented).toContain(route);
    });
  }

  it('documents no route the controllers do not have', () => {
    expect(documented.filter((route) => !routes.includes(route))).toEqual([]);
  });
});
