/**
 * What the browser benchmarks share: `weft serve` on a project with free
 * ports (web and ingest), the workbench API over HTTP, and the ingest
 * endpoint with the project's token.
 */
import { execFileSync, spawn } from 'node:child_process'

/** Starts `weft serve --port 0` on `project`; resolves once it printed both URLs. */
export function startWeftServe({ weftBin, project, cwd, env }) {
  const child = spawn(process.execPath, [weftBin, 'serve', '--port', '0', '--project', project], { cwd, env: { ...env, WEFT_INGEST_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`weft serve printed no URLs:\n${out}`)), 30_000)
    const onData = (chunk) => {
      out += chunk
      const web = /Weft is running at (http:\/\/\S+)/.exec(out)
      const ingest = /Receiving traces at (http:\/\/\S+)/.exec(out)
      if (web && ingest) {
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve({
          url: web[1],
          ingestUrl: ingest[1],
          stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once('exit', done), child.kill('SIGTERM')))),
        })
      }
    }
    const onExit = (code) => {
      clearTimeout(timer)
      reject(new Error(`weft serve exited with ${code}:\n${out}`))
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', (c) => (out += c))
    child.once('exit', onExit)
  })
}

/** Calls a workbench operation over web mode's HTTP API; throws on a refusal. */
export function apiCaller(server) {
  const web = new URL(server.url)
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${web.searchParams.get('token')}` }
  return async (name, request) => {
    const reply = await (await fetch(new URL(`/api/call/${name}`, web.origin), { method: 'POST', headers, body: JSON.stringify(request) })).json()
    if (!reply.ok) throw new Error(`${name}: ${JSON.stringify(reply)}`)
    return reply.result
  }
}

/** Posts spans to the ingest endpoint with the project's token (`weft token`). */
export function ingestSender(server, { weftBin, project, env }) {
  const token = execFileSync(process.execPath, [weftBin, 'token', '--quiet', '--project', project], { env, encoding: 'utf8' }).trim()
  const url = new URL('/weft/v1/spans', server.ingestUrl)
  return async (spans) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ spans }) })
    if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`)
    await response.arrayBuffer()
  }
}
