// The client's connection through node:net, loaded on first use (Node has
// it loaded already; under Bun it is the costliest of the three backends).
import type { Conn, ConnEvents } from './conn.js'

export function nodeConnect(path: string, on: ConnEvents): Conn {
  const net = process.getBuiltinModule('node:net') as typeof import('node:net')
  const sock = net.createConnection(path)
  sock.on('connect', on.connect)
  sock.on('data', on.data)
  sock.on('error', on.error)
  sock.on('close', on.close)
  return { write: d => void sock.write(d), destroy: () => void sock.destroy() }
}
