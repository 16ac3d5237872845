// A token record for unit tests: a GitLab-style keychain token made with
// `add`, with whatever the test changes.
import type { TokenRecord } from '../../src/state/tokens.js'

export function tokenRecord(extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    name: 'gl',
    scope: 'gitlab.com',
    username: 'oauth2',
    provider: 'gitlab',
    expires: null,
    access: 'read-write',
    created: '2026-01-01T00:00:00.000Z',
    state: 'active',
    source: 'keychain',
    origin: 'add',
    ...extra,
  }
}
