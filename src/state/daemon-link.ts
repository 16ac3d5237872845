// The daemon as state/ sees it: a cache of secrets and session tokens in
// front of the sources. state/ sits below the daemon's client
// (scripts/layers.mjs), so the client is handed in by the layer that starts
// the work (git/helper.ts, cli/cli.ts: useDaemon(daemonLink)); until then
// every lookup goes to the source and nothing is cached.

/** The requests state/ sends (daemon/client/protocol.ts has the whole wire format). */
export type CacheRequest =
  | { op: 'get'; name: string; stamp: string }
  | { op: 'put'; name: string; stamp: string; secret: string; since?: number }
  | { op: 'forget'; name?: string }
  | { op: 'session-put'; scope: string; username: string; secret: string; expiresAt?: number }
  | { op: 'session-get'; protocol?: string; host?: string; path?: string; username?: string }
  | { op: 'session-drop'; protocol?: string; host?: string; path?: string; username?: string; secret?: string }

export type CacheReply =
  | { ok: true; secret?: string; session?: { scope: string; username: string; secret: string; expiresAt?: number }; dropped?: number }
  | { ok: false; error: string }

/** One process's connection to the daemon (daemon/client/client.ts: DaemonClient). */
export interface DaemonCache {
  readonly timeoutMs: number
  lastFailure: string | undefined
  /** Why the daemon's socket was refused, to say once. */
  refusal: string | undefined
  call(req: CacheRequest, opts?: { timeoutMs?: number }): Promise<CacheReply | null>
  ensureRunning(waitMs?: number): Promise<boolean>
  spawnDetached(): Promise<boolean>
}

export interface DaemonLink {
  /** The daemon for this env, or null when it is not to be asked. */
  client(env: NodeJS.ProcessEnv): DaemonCache | null
  /** Tell a running daemon that a token's secret changed or went away. */
  forget(name: string | undefined, env: NodeJS.ProcessEnv): Promise<void>
}

let link: { l: DaemonLink; env: NodeJS.ProcessEnv } | undefined

/** Per process by nature: the entry point's choice of daemon client, for its context's environment. */
export function useDaemon(l: DaemonLink | undefined, env: NodeJS.ProcessEnv): void {
  link = l && { l, env }
}

export function daemonLink(): DaemonLink | undefined {
  return link?.l
}

/** Tell the daemon of the entry point's environment that a token's secret changed (nothing without one). */
export async function forgetInDaemon(name: string): Promise<void> {
  if (link) await link.l.forget(name, link.env)
}
