import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import type { SampleConfig } from './config/sample-config.js';

/**
 * The shop on the HTTP platform its configuration names (HTTP_ADAPTER): Express, Nest's default, or Fastify. The
 * webhook parts are the same on both; `rawBody` keeps the exact bytes the ERP's guard verifies.
 */
export function createShopApp(config: SampleConfig, options: NestApplicationOptions = {}): Promise<INestApplication> {
  const settings = { ...options, rawBody: true };
  const module = AppModule.forConfig(config);
  return config.httpAdapter === 'fastify' ? NestFactory.create(module, new FastifyAdapter(), settings) : NestFactory.create(module, settings);
}
