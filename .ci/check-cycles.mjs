#!/usr/bin/env node
// Import-circle check: reads every .ts file under the given folders (default server, client and web/src),
// follows its relative imports and re-exports (static, dynamic and type-only alike, since a type-only
// circle is still a tangle between two modules) and fails when any strongly connected group has more
// than one module, or a module imports itself.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["server", "client", "web/src"];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const files = folders.flatMap((f) => walk(join(root, f), []));
const known = new Set(files);

// `from "x"` (import / export … from), bare `import "x"`, and `import("x")`.
const specifier = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'`](\.{1,2}\/[^"'`]+)["'`]/g;

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => known.has(c) || (existsSync(c) && known.has(c)));
}

const graph = new Map();
for (const file of files) {
  const deps = new Set();
  for (const match of stripComments(readFileSync(file, "utf8")).matchAll(specifier)) {
    const target = resolveImport(file, match[1]);
    if (target) deps.add(target);
  }
  graph.set(file, [...deps]);
}

// Tarjan's strongly connected components, iterative.
let index = 0;
const indices = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const groups = [];
for (const start of files) {
  if (indices.has(start)) continue;
  const work = [[start, 0]];
  indices.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const [node, i] = frame;
    const deps = graph.get(node);
    if (i < deps.length) {
      frame[1] = i + 1;
      const next = deps[i];
      if (!indices.has(next)) {
        indices.set(next, index);
        low.set(next, index++);
        stack.push(next);
        onStack.add(next);
        work.push([next, 0]);
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), indices.get(next)));
      }
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(node)));
    }
    if (low.get(node) === indices.get(node)) {
      const group = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || graph.get(node).includes(node)) groups.push(group);
    }
  }
}

const rel = (p) => relative(root, p);
if (groups.length === 0) {
  console.log(`No import circles among ${files.length} modules in ${folders.join(", ")}.`);
  process.exit(0);
}
console.error(`${groups.length} import circle(s):`);
for (const group of groups) {
  const members = new Set(group);
  console.error(`\n  ${group.length} modules:`);
  for (const file of group.sort()) {
    const inside = graph.get(file).filter((d) => members.has(d)).map(rel);
    console.error(`    ${rel(file)} -> ${inside.join(", ")}`);
  }
}
process.exit(1);
