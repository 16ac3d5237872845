// The same suite as git-flows.ts, with the installed launcher told to use Node
// (GIT_CREDENTIAL_PAT_RUNTIME=node): the fallback stays proven.
// Set before the suite is loaded, so every sandbox and spawn inherits it.
process.env.GIT_CREDENTIAL_PAT_RUNTIME = 'node'
await import('./git-flows.js')
