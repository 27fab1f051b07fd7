/** An application's data-source file with @EmitsWebhook entities, as `webhook-outbox openapi --data-source` reads it. */
import { DataSource } from 'typeorm';
import { Customer, ShopOrder } from './shop-order.entity.js';

// Port 1: nothing listens there, so the command would fail if it tried to connect.
export default new DataSource({ type: 'postgres', host: '127.0.0.1', port: 1, entities: [ShopOrder, Customer] });
