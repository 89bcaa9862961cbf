// Closed-loop load on a token endpoint: CONCURRENCY workers post client_credentials requests
// for DURATION seconds (after WARMUP seconds not counted); prints one JSON line with
// tokens/s, p50, p99 (ms), errors and, with SERVER_PID, the server's CPU milliseconds per token
// over the measured window. Bounded in count and time; loopback only.
//   URL=http://127.0.0.1:5100/connect/token CLIENT_ID=… CLIENT_SECRET=… SERVER_PID=… node load.mjs
import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';

const url = new URL(process.env.URL);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('loopback targets only');
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const duration = Number(process.env.DURATION ?? 15) * 1000;
const warmup = Number(process.env.WARMUP ?? 5) * 1000;
const maxRequests = Number(process.env.MAX_REQUESTS ?? 2_000_000);
const body = new URLSearchParams({
  grant_type: 'client_credentials',
  client_id: process.env.CLIENT_ID ?? 'bench-client',
  client_secret: process.env.CLIENT_SECRET ?? 'bench-secret-0123456789',
  scope: 'federation.feed',
}).toString();
// CPU time (user + system) of the server process, read from /proc, over the measured window only.
const serverPid = process.env.SERVER_PID;
const clockTicks = Number(process.env.CLK_TCK ?? 100);
const cpuMs = () => {
  if (!serverPid) return NaN;
  const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 1000 / clockTicks;
};
// CPU of .NET's background recompilation threads (tiered JIT), which a loaded machine stretches
// over many seconds of a run: reported apart, so the steady state shows (0 for node). Per thread,
// as such a thread may end and another start; one that ended meanwhile is not counted.
const jitThreads = () => {
  const threads = new Map();
  if (!serverPid) return threads;
  for (const task of readdirSync(`/proc/${serverPid}/task`)) {
    try {
      if (!readFileSync(`/proc/${serverPid}/task/${task}/comm`, 'utf8').startsWith('.NET Tiered')) continue;
      const fields = readFileSync(`/proc/${serverPid}/task/${task}/stat`, 'utf8').split(') ')[1].split(' ');
      threads.set(task, (Number(fields[11]) + Number(fields[12])) * 1000 / clockTicks);
    } catch { /* the thread ended */ }
  }
  return threads;
};
const jitSince = (start) => [...jitThreads()].reduce((sum, [task, ms]) => sum + ms - (start.get(task) ?? 0), 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

const post = () => new Promise((resolve) => {
  const started = process.hrtime.bigint();
  const req = http.request(url, {
    method: 'POST', agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
  }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c) => { text += c; });
    res.on('end', () => resolve({ ok: res.statusCode === 200 && text.includes('access_token'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
  req.on('error', () => resolve({ ok: false, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  req.end(body);
});

const latencies = [];
let errors = 0;
let sent = 0;
const t0 = Date.now();
const measureFrom = t0 + warmup;
const stopAt = measureFrom + duration;
let measuredStart = 0;
let cpuAtStart = NaN, jitAtStart = new Map();
async function worker() {
  while (Date.now() < stopAt && sent < maxRequests) {
    sent++;
    const r = await post();
    const now = Date.now();
    if (now < measureFrom) continue;
    if (!measuredStart) { measuredStart = now; cpuAtStart = cpuMs(); jitAtStart = jitThreads(); }
    if (r.ok) latencies.push(r.ms); else errors++;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const cpuUsed = cpuMs() - cpuAtStart, jitUsed = jitSince(jitAtStart);
const elapsed = (Date.now() - (measuredStart || measureFrom)) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
console.log(JSON.stringify({
  target: url.href, concurrency, seconds: Number(elapsed.toFixed(1)), tokens: latencies.length, errors,
  tokensPerSecond: Number((latencies.length / elapsed).toFixed(1)), p50ms: Number(pct(0.5).toFixed(2)), p99ms: Number(pct(0.99).toFixed(2)),
  cpuMsPerToken: Number((cpuUsed / Math.max(1, latencies.length)).toFixed(3)),
  jitMsPerToken: Number((jitUsed / Math.max(1, latencies.length)).toFixed(3)),
}));
agent.destroy();
