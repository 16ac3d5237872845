// What libsecret's refusals mean (troubleOf in src/state/sources/keychain.ts).
import t from 'tap'
import { troubleOf } from '../../../src/state/sources/keychain.js'

t.test('no Secret Service, locked, other', async t => {
  // As seen: DBUS_SESSION_BUS_ADDRESS unset; a bus socket nobody listens on; a bus without a keyring.
  t.equal(troubleOf('Cannot autolaunch D-Bus without X11 $DISPLAY'), 'keychain-absent')
  t.equal(troubleOf('Could not connect: No such file or directory'), 'keychain-absent')
  t.equal(troubleOf('The name org.freedesktop.secrets was not provided by any .service files'), 'keychain-absent')
  // A bus with a keyring that has no unlocked login collection (it would need a prompt).
  t.equal(troubleOf('Object does not exist at path “/org/freedesktop/secrets/collection/login”'), 'keychain-locked')
  t.equal(troubleOf('Cannot create an item in a locked collection'), 'keychain-locked')
  t.equal(troubleOf('something else'), 'keychain-refused')
})
