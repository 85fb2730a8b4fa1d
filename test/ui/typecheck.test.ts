// The console's browser code needs the DOM library, which the root tsconfig (and so
// `npm run typecheck`) leaves out: type-check it with its own config.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('ui/console type-checks with ui/tsconfig.json', () => {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', 'ui/tsconfig.json', '--noEmit'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    output = stdout || stderr ? `${stdout ?? ''}${stderr ?? ''}` : String(error);
  }
  expect(output).toBe('');
});
