// Runs a TypeScript entry point of src/ from its compiled copy in dist/ when
// that copy is at least as new as every file under src/, else from source
// through ts-node (a development dependency). Production images that ship
// dist/ without src/ always take the compiled copy.
'use strict';

const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const projectRoot = join(__dirname, '..');

function newestModificationMs(folder) {
  if (!existsSync(folder)) return 0;
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const modified = entry.isDirectory() ? newestModificationMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, modified);
  }
  return newest;
}

/**
 * Returns the Node arguments that run `name` (a path under src/ without
 * extension, such as "main"), and whether they use the compiled copy.
 */
function resolveEntryPoint(name) {
  const compiled = join(projectRoot, 'dist', `${name}.js`);
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestModificationMs(join(projectRoot, 'src'))) {
    return { compiled: true, nodeArguments: [compiled] };
  }
  const source = join(projectRoot, 'src', `${name}.ts`);
  return { compiled: false, nodeArguments: ['-r', 'ts-node/register/transpile-only', source] };
}

/** Loads `name` into this process, registering ts-node first when it runs from source. */
function requireEntryPoint(name) {
  const { compiled, nodeArguments } = resolveEntryPoint(name);
  if (!compiled) require('ts-node').register({ transpileOnly: true, project: join(projectRoot, 'tsconfig.json') });
  return require(nodeArguments[nodeArguments.length - 1]);
}

module.exports = { projectRoot, resolveEntryPoint, requireEntryPoint };
