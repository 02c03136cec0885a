// First load of the console: Debian's chromium, headless, driven over the DevTools protocol; N cold loads (a new
// browser context each: empty cache, no cookie) of the sign-in page, with the navigation timing of each.
// Usage: node --experimental-websocket benchmarks/console-first-load.mjs http://127.0.0.1:8080/ [runs]
import { spawn } from 'node:child_process';
const [url, runs = '7'] = process.argv.slice(2);
const port = 9333;
const chrome = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--remote-debugging-port=${port}`, `--user-data-dir=${process.env.TMPDIR ?? '/tmp'}/sightline-first-load-${process.pid}`, 'about:blank'], { stdio: 'ignore' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let version;
for (let i = 0; i < 100 && !version; i++) { try { version = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json(); } catch { await sleep(100); } }
const ws = new WebSocket(version.webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener('open', r));
let id = 0; const pending = new Map(); const events = [];
ws.addEventListener('message', (m) => { const d = JSON.parse(m.data); if (d.id && pending.has(d.id)) { pending.get(d.id)(d); pending.delete(d.id); } else events.push(d); });
const send = (method, params = {}, sessionId) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params, sessionId })); });
const results = [];
for (let run = 0; run < Number(runs); run++) {
  const { result: { browserContextId } } = await send('Target.createBrowserContext');
  const { result: { targetId } } = await send('Target.createTarget', { url: 'about:blank', browserContextId });
  const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Page.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
  for (let i = 0; i < 100; i++) {
    const r = await send('Runtime.evaluate', { expression: "document.readyState === 'complete' && !!document.querySelector('[data-testid=login-key-id]')", returnByValue: true }, sessionId);
    if (r.result?.result?.value) break;
    await sleep(20);
  }
  const t = await send('Runtime.evaluate', { expression: "(() => { const n = performance.getEntriesByType('navigation')[0]; const paint = performance.getEntriesByName('first-contentful-paint')[0]; return JSON.stringify({ load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd, fcp: paint ? paint.startTime : null, bytes: performance.getEntriesByType('resource').reduce((a, r) => a + r.transferSize, n.transferSize) }); })()", returnByValue: true }, sessionId);
  results.push(JSON.parse(t.result.result.value));
  await send('Target.disposeBrowserContext', { browserContextId });
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ runs: results.length, loadMedianMs: median(results.map((r) => r.load)), fcpMedianMs: median(results.map((r) => r.fcp)), dclMedianMs: median(results.map((r) => r.dcl)), transferBytes: results[0].bytes, all: results }));
ws.close(); chrome.kill();
