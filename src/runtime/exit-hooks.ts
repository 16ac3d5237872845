// Work to do just before the process exits (main.ts leave()), registered by
// the modules that need it, so the exit path loads nothing it did not use
// (the keychain releases a stuck call only if it was loaded at all).
const hooks: Array<() => Promise<void>> = []

export function onExit(hook: () => Promise<void>): void {
  if (!hooks.includes(hook)) hooks.push(hook)
}

export async function runExitHooks(): Promise<void> {
  for (const h of hooks) await h().catch(() => {})
}
