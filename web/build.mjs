// Bundles the console into dist/: app.js (minified, one file), app.css, index.html. Offline: nothing is fetched.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const dist = new URL('./dist/', import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: ['src/main.tsx', 'src/app.css'],
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'es2022',
  format: 'esm',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: 'dist',
  entryNames: 'app',
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(new URL('./src/index.html', import.meta.url), new URL('index.html', dist));
let total = 0;
for (const name of ['index.html', 'app.js', 'app.css']) {
  const bytes = await readFile(new URL(name, dist));
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += gz;
  console.log(`${name.padEnd(11)} ${String(bytes.length).padStart(7)} B, ${String(gz).padStart(6)} B gzipped`);
}
console.log(`console total ${total} B gzipped`);
