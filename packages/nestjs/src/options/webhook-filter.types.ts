/** A value a filter compares with: JSON's scalars. */
export type WebhookFilterScalar = string | number | boolean | null;

/** Conditions on one value of the event; several in one object must all hold. */
export interface WebhookFilterOperators {
  $eq?: WebhookFilterScalar;
  $neq?: WebhookFilterScalar;
  $gt?: string | number;
  $gte?: string | number;
  $lt?: string | number;
  $lte?: string | number;
  $in?: WebhookFilterScalar[];
  $nin?: WebhookFilterScalar[];
  /** `true`: the path has a value (`null` included); `false`: it has none. */
  $exists?: boolean;
  $startsWith?: string;
}

/**
 * Which events an endpoint receives, beyond its event types: conditions on dot paths of the event as it is stored
 * (`type`, `data.status`, `changes.status.new`, `data.items.0.sku`), all of which must hold. A path's value is a
 * scalar (equality) or an object of operators; `$and`, `$or` and `$not` combine filters. A number in a condition
 * matches a decimal sent as a string (`12.50` as `"12.50"`), since decimals are sent as strings.
 *
 * @example { type: 'order.updated', 'changes.status.new': { $in: ['paid', 'shipped'] }, 'data.total': { $gte: 100 } }
 */
export interface WebhookFilter {
  $and?: WebhookFilter[];
  $or?: WebhookFilter[];
  $not?: WebhookFilter;
  [path: string]: WebhookFilterScalar | WebhookFilterOperators | WebhookFilter | WebhookFilter[] | undefined;
}
