import { Controller, Get, Header } from '@nestjs/common';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { prometheusReader } from './open-telemetry.setup.js';

const serializer = new PrometheusSerializer();

/** `GET /metrics`: every metric of the process (the webhook relay's among them) in Prometheus's text format. */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const { resourceMetrics } = await prometheusReader.collect();
    return serializer.serialize(resourceMetrics);
  }
}
