// The token model (src/core/model.ts): types, and the one rule constant
// state/tokens.ts re-exports for everyone else.
import t from 'tap'
import { LAST_USED_FRESH_MS } from '../../src/core/model.js'
import * as tokens from '../../src/state/tokens.js'

t.test('store writes a last use at most once a minute; tokens.ts hands on the same value', async t => {
  t.equal(LAST_USED_FRESH_MS, 60_000)
  t.equal(tokens.LAST_USED_FRESH_MS, LAST_USED_FRESH_MS)
})
