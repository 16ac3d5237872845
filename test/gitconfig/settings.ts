// git config through one cached reader (settings.ts): plain keys, git's
// booleans, and credential.<url>.* url-matching as git does it.
import t from 'tap'
import { join } from 'node:path'
import { credentialSetting, parseBool, setting, settingAll, canonKey } from '../../src/gitconfig/settings.js'

function envWith(t: { testdir: (f?: Record<string, string>) => string }, gitconfig: string): NodeJS.ProcessEnv {
  const dir = t.testdir({ gitconfig })
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' }
  return env
}

t.test('plain keys, case, multi-values, valueless booleans', async t => {
  const env = envWith(
    t,
    '[core]\n\taskPass = /bin/ask\n[credential]\n\tinteractive = false\n[credential "pat"]\n\twarnDays = 3\n[x]\n\tflag\n\tempty =\n\tmany = 1\n\tmany = 2\n',
  )
  t.equal(setting('core.askpass', env), '/bin/ask')
  t.equal(setting('CORE.ASKPASS', env), '/bin/ask')
  t.equal(setting('credential.pat.warnDays', env), '3')
  t.equal(setting('credential.PAT.warnDays', env), undefined, 'subsections are case-sensitive')
  t.same(settingAll('x.many', env), ['1', '2'])
  t.equal(parseBool(setting('x.flag', env)), true, 'a key without value is true')
  t.equal(parseBool(setting('x.empty', env)), false, 'an empty value is false')
  t.equal(setting('nope.nothing', env), undefined)
  t.equal(canonKey('Credential.https://Host.Example.PatProvider'), 'credential.https://Host.Example.patprovider')
})

t.test('credentialSetting: url-matching like git, plain key when no url keys exist', async t => {
  const plain = envWith(t, '[credential]\n\tinteractive = never\n')
  t.equal(credentialSetting('interactive', 'https://a.example/x', plain), 'never')
  const urls = envWith(t, '[credential]\n\tinteractive = true\n[credential "https://a.example"]\n\tinteractive = false\n\tpatProvider = gitlab\n')
  t.equal(credentialSetting('interactive', 'https://a.example/x/y', urls), 'false', 'the url-specific value wins')
  t.equal(credentialSetting('interactive', 'https://b.example/x', urls), 'true')
  t.equal(credentialSetting('patProvider', 'https://a.example/', urls), 'gitlab')
  t.equal(credentialSetting('patProvider', 'https://a.example.evil/', urls), undefined, 'hosts match exactly')
})

t.test('parseBool follows git (the one boolean parser: setup and doctor use it too)', async t => {
  for (const v of ['true', 'yes', 'on', '1', '2', 'TRUE', ' yes ']) t.equal(parseBool(v), true, v)
  t.equal(parseBool('-1'), true, "'-1' is true, as git_config_bool reads it")
  for (const v of ['false', 'no', 'off', '0', '']) t.equal(parseBool(v), false, JSON.stringify(v))
  t.equal(parseBool('never'), undefined)
  t.equal(parseBool(undefined), undefined)
})
