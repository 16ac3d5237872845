// export: the store's tokens as a manifest, never a secret field, in the
// format import reads back.
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportTokens } from '../../../src/cli/commands/export.js'
import { addChecks } from '../../../src/cli/commands/import.js'
import { parseManifest } from '../../../src/core/manifest.js'
import { tokenRecord } from '../../lib/token.js'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

t.test('export reads back through the manifest parser to the same fields', async t => {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-export-'))
  const tokens = [
    tokenRecord({
      name: 'a',
      scope: 'gitlab.example.com/team/*',
      expires: '2027-01-31T00:00:00.000Z',
      lastUsed: '2026-02-01T00:00:00.000Z',
      emptySecret: true,
    }),
    tokenRecord({ name: 'b', scope: 'http://h.example:8080', source: 'exec:pass show git/b', state: 'rejected', rejected: { at: 'x', url: 'y' } }),
  ]
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 2, tokens }))
  const text = exportTokens({ ...process.env, GIT_CREDENTIAL_PAT_HOME: dir })
  t.notMatch(text, /lastUsed|rejected|emptySecret|"secret"/, 'only declared fields')
  const back = parseManifest(text, addChecks(new Date()), 'export')
  t.same(
    back.map(e => [e.name, e.scope, e.expires, e.source, e.created]),
    [
      ['a', 'gitlab.example.com/team/*', '2027-01-31T00:00:00.000Z', 'keychain', '2026-01-01T00:00:00.000Z'],
      ['b', 'http://h.example:8080', null, 'exec:pass show git/b', '2026-01-01T00:00:00.000Z'],
    ],
  )
})
