// @ts-check
import { Converter, ReflectionKind } from 'typedoc';

/**
 * TypeDoc names an entry point by its path (`nestjs/src/testing`); readers import it by its package name. The entry
 * files belong to the packages, so the names are given here rather than with a `@module` tag in each of them.
 */
const PACKAGE_NAMES = {
  'nestjs/src': '@webhook-outbox/nestjs',
  'nestjs/src/testing': '@webhook-outbox/nestjs/testing',
  'signature/src': '@webhook-outbox/signature',
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      // A name given by the entry file itself (a `@module` tag) is kept when it is already a package name.
      if (Object.values(PACKAGE_NAMES).includes(module.name)) continue;
      const name = PACKAGE_NAMES[/** @type {keyof typeof PACKAGE_NAMES} */ (module.name)];
      if (!name) throw new Error(`docs/typedoc.json: no package name for the entry point "${module.name}".`);
      module.name = name;
    }
  });
}
