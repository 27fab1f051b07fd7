// Node module hook (see register-stack.hook.mjs): a bare import of one of the stack's packages resolves as if it
// were made from the stack's folder.
let anchor;
let packages = new Set();

export function initialize(data) {
  anchor = data.anchor;
  packages = new Set(data.packages);
}

function packageNameOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.includes(':')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function resolve(specifier, context, next) {
  const name = packageNameOf(specifier);
  if (name && packages.has(name)) return next(specifier, { ...context, parentURL: anchor });
  return next(specifier, context);
}
