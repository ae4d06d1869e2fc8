import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('API reference (npm run docs)', () => {
  it('TypeDoc finds a doc comment on every export and no broken reference (warnings are errors)', () => {
    // Same configuration as `npm run docs` (typedoc.json: notDocumented / notExported / invalidLink
    // validation, treatWarningsAsErrors), without writing the HTML.
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typedoc/bin/typedoc', import.meta.url)), '--emit', 'none'], {
      cwd: root,
      encoding: 'utf8',
    });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(output, output).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.status, output).toBe(0);
  });
});
