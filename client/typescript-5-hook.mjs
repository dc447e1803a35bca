// Module resolution hook for `npm run client:generate`: openapi-typescript prints its output with
// the TypeScript 5 compiler API (ts.factory, ts.createPrinter), which TypeScript 7 (the project's
// `typescript`, a native compiler) no longer ships. Its `typescript` imports get TypeScript 5 (the
// `typescript-5` dev dependency, an npm alias) instead; every other import is left alone.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/openapi-typescript/')) {
    return nextResolve('typescript-5', context);
  }
  return nextResolve(specifier, context);
}
