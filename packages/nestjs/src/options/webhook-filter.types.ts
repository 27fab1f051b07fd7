/** A value a filter compares with: JSON's scalars. */
export type WebhookFilterScalar = string | number | boolean | null;

/** Conditions on one value of the event; several in one object must all hold. */
export interface WebhookFilterOperators {
  /** Equal to this value. */
  $eq?: WebhookFilterScalar;
  /** Not equal to this value. */
  $neq?: WebhookFilterScalar;
  /** Greater than this number or string. */
  $gt?: string | number;
  /** Greater than or equal to this number or string. */
  $gte?: string | number;
  /** Less than this number or string. */
  $lt?: string | number;
  /** Less than or equal to this number or string. */
  $lte?: string | number;
  /** Equal to one of these values. */
  $in?: WebhookFilterScalar[];
  /** Equal to none of these values. */
  $nin?: WebhookFilterScalar[];
  /** `true`: the path has a value (`null` included); `false`: it has none. */
  $exists?: boolean;
  /** A string that starts with this text. */
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
  /** Every one of these filters holds. */
  $and?: WebhookFilter[];
  /** At least one of these filters holds. */
  $or?: WebhookFilter[];
  /** This filter does not hold. */
  $not?: WebhookFilter;
  /** A dot path of the event, and the value it must equal or the operators it must meet. */
  [path: string]: WebhookFilterScalar | WebhookFilterOperators | WebhookFilter | WebhookFilter[] | undefined;
}
