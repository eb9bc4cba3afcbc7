// Builds dist/: tsc compiles src/ (ESM + declarations), then the generated
// src/schema.d.ts, which tsc does not copy, joins them (dist/index.d.ts imports it).
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
copyFileSync(path.join(root, 'src/schema.d.ts'), path.join(root, 'dist/schema.d.ts'));
