// Two self-contained ES module bundles: the action entry (dist/index.js,
// loaded by the runner) and the CLI (dist/cli.js). Everything, including the
// AWS SDK and Octokit, is inlined so the action needs no node_modules.
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

const plugins = () => [
  typescript({ tsconfig: './tsconfig.json', compilerOptions: { outDir: 'dist', rootDir: 'src', types: ['node'] }, noEmitOnError: true }),
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  commonjs(),
  json(),
];

const onwarn = (warning, warn) => {
  // The AWS SDK and Octokit use `this` at module top level and circular
  // imports in ways that are harmless once bundled.
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
  warn(warning);
};

export default [
  { input: 'src/main.ts', output: { file: 'dist/index.js', format: 'es', inlineDynamicImports: true }, plugins: plugins(), onwarn },
  {
    input: 'src/cli.ts',
    output: { file: 'dist/cli.js', format: 'es', inlineDynamicImports: true, banner: '#!/usr/bin/env node' },
    plugins: plugins(),
    onwarn,
  },
];
