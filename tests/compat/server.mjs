// Starts one Sightline server on a free loopback port with a fresh data directory, issues an access key per role
// through the CLI, and hands out Rekognition clients that differ from AWS's only by endpoint and credentials.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { startFakeS3 } from './fake-s3.mjs';

// The SDK warns about Node < 22 when a client is built; the switch it reads is checked at that moment.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const REGION = 'us-east-1';
export const SERVICE = 'rekognition';
export const JSON_11 = 'application/x-amz-json-1.1';
export const ROLES = ['admin', 'operator', 'analyst', 'auditor'];

const REPO = path.resolve(import.meta.dirname, '../..');
// SIGHTLINE_CLI runs a given build instead of the launcher (which first rebuilds if the sources changed).
const LAUNCHER = process.env.SIGHTLINE_CLI ?? path.join(REPO, 'sightline');
// The binary the launcher execs once built. Calls made while the server runs use it directly, so a source change
// cannot trigger a rebuild underneath the running server.
const BUILT = process.env.SIGHTLINE_CLI ?? path.join(REPO, '.build', 'cli', 'sightline');
const READY_TIMEOUT_MS = 180_000;
const CLI_TIMEOUT_MS = 600_000;
const STOP_TIMEOUT_MS = 45_000; // the server drains for up to 30 s on SIGTERM
const run = promisify(execFile);

export const modelsDir = () => process.env.SIGHTLINE_MODELS ?? path.join(homedir(), '.local/share/sightline/models');

/** A fixture photo's bytes, e.g. sample('sample1'). */
export const sample = (name) => readFile(path.join(modelsDir(), 'fixtures', `${name}.jpg`));

async function cli(program, args) {
  const { stdout } = await run(program, args, { timeout: CLI_TIMEOUT_MS, maxBuffer: 16 << 20 });
  return stdout;
}

/** A 1280×720 H.264 clip at 10 fps: sample1 for 2 s, then sample4 for 2 s. */
export const CLIP = { name: 'two-photos.mp4', width: 1280, height: 720, switchMillis: 2000 };

async function makeClip(target) {
  const fit = 'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1';
  const fixtures = path.join(modelsDir(), 'fixtures');
  await run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-t', '2', '-i', path.join(fixtures, 'sample1.jpg'), '-loop', '1', '-t', '2',
    '-i', path.join(fixtures, 'sample4.jpg'), '-filter_complex', `[0]${fit}[a];[1]${fit}[b];[a][b]concat=n=2:v=1:a=0`,
    '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', target], { timeout: CLI_TIMEOUT_MS });
}

/** A 14 s 1280×720 scene at 10 fps: a still, grainy yard that a person (cut from sample1) walks through from 3 s to 11 s. */
export const SCENE = { name: 'person-walks.mp4' };

async function makeScene(target) {
  const x = 'if(lt(t,3),-1000,if(lt(t,6),-262+(t-3)*254,if(lt(t,9),500,if(lt(t,11),500+(t-9)*450,2000))))';
  await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x667766:s=1280x720:d=14:r=10,noise=alls=20:allf=u',
    '-loop', '1', '-t', '14', '-r', '10', '-i', path.join(modelsDir(), 'fixtures', 'sample1.jpg'),
    '-filter_complex', `[1]crop=600:1280:150:0,scale=-2:560[p];[0][p]overlay=x='${x}':y=120`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '10', '-pix_fmt', 'yuv420p', '-t', '14', target], { timeout: CLI_TIMEOUT_MS });
}

/**
 * An edited 1280×720 clip at 10 fps with known cuts: sample1 (frames 0–19), black (20–29), a text card (30–49),
 * SMPTE colour bars (50–59), sample4 (60–79).
 */
export const EDIT = { name: 'edit.mp4', shots: [0, 20, 30, 50, 60], frames: 80, black: [20, 29], bars: [50, 59], text: [30, 49] };

/** Builds EDIT with ffmpeg from the sample photos and a text card image. */
export async function makeEdit(target, textCard) {
  const fit = 'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=white,setsar=1,fps=10,format=yuv420p';
  const fixtures = path.join(modelsDir(), 'fixtures');
  await run('ffmpeg', ['-v', 'error', '-y',
    '-loop', '1', '-t', '2', '-i', path.join(fixtures, 'sample1.jpg'),
    '-f', 'lavfi', '-t', '1', '-i', 'color=c=black:s=1280x720:r=10',
    '-loop', '1', '-t', '2', '-i', textCard,
    '-f', 'lavfi', '-t', '1', '-i', 'smptebars=s=1280x720:r=10',
    '-loop', '1', '-t', '2', '-i', path.join(fixtures, 'sample4.jpg'),
    '-filter_complex', [0, 1, 2, 3, 4].map((i) => `[${i}]${fit}[v${i}]`).join(';') + ';[v0][v1][v2][v3][v4]concat=n=5:v=1:a=0',
    '-r', '10', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', target], { timeout: CLI_TIMEOUT_MS });
}

/** The SNS topic the server maps to the suite's webhook: stored-video jobs started with it POST their completion there. */
export const JOB_TOPIC = 'arn:aws:sns:us-east-1:000000000000:sightline-jobs';

async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The last few KiB a process wrote, for the message when it fails to start. */
function tail(stream, limit = 16_384) {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => { text = (text + chunk).slice(-limit); });
  return () => text;
}

async function waitReady(url, proc, output) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`sightline serve exited with ${proc.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200 && (await res.text()).trim() === 'ready') return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`sightline serve was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
}

export class SightlineServer {
  /** Operations (without the Command suffix) that some client completed successfully. */
  succeeded = new Set();

  static async start() {
    const server = new SightlineServer();
    try {
      await server.#start();
      return server;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  async #start() {
    this.dataDir = await mkdtemp(path.join(tmpdir(), 'sightline-compat-'));
    this.keys = {};
    for (const role of ROLES) this.keys[role] = await this.createKey(role, LAUNCHER, { caseId: 'COMPAT-1', purpose: 'investigation' });
    // Searches here use Rekognition's own thresholds (80 by default); the policy suite checks the 99 floor.
    await cli(LAUNCHER, ['policy', 'set', 'identificationThresholdFloor', '80', '--data', this.dataDir]);
    this.url = `http://127.0.0.1:${await freePort()}`;
    // The sample photos double as a local S3 bucket named 'fixtures'; a generated clip sits in bucket 'videos'.
    this.videoDir = await mkdtemp(path.join(tmpdir(), 'sightline-compat-videos-'));
    await makeClip(path.join(this.videoDir, 'two-photos.mp4'));
    // A camera for the stream processors plays this scene (looped) as its live source.
    await makeScene(path.join(this.videoDir, SCENE.name));
    // Stream processors write their results to a local bucket named 'results'.
    this.resultsDir = await mkdtemp(path.join(tmpdir(), 'sightline-compat-results-'));
    // Other buckets come from an S3-compatible endpoint: a stand-in holding bucket 'remote'.
    this.s3 = await startFakeS3('S3KEYEXAMPLE', new Map([
      ['remote/photos/sample1.jpg', await sample('sample1')],
      ['remote/clips/two-photos.mp4', await readFile(path.join(this.videoDir, CLIP.name))],
    ]));
    // Job completions (NotificationChannel) arrive here.
    this.jobNotes = [];
    this.jobHook = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => { this.jobNotes.push({ topic: req.headers['x-sightline-topic'], message: JSON.parse(body) }); res.end(); });
    });
    await new Promise((resolve) => this.jobHook.listen(0, '127.0.0.1', resolve));
    const hook = `127.0.0.1:${this.jobHook.address().port}`;
    const args = ['serve', '--urls', this.url, '--data', this.dataDir,
      '--job-topic', `${JOB_TOPIC}=http://${hook}/jobs`, '--allow-outbound', hook,
      '--bucket', `fixtures=${path.join(modelsDir(), 'fixtures')}`, '--bucket', `videos=${this.videoDir}`,
      '--bucket', `results=${this.resultsDir}`, '--s3-endpoint', this.s3.url,
      // The stand-in S3 endpoint listens on loopback, which the server reaches only for a host named like this.
      '--allow-outbound', new URL(this.s3.url).host];
    const env = { ...process.env, SIGHTLINE_S3_ACCESS_KEY_ID: 'S3KEYEXAMPLE', SIGHTLINE_S3_SECRET_ACCESS_KEY: 'S3SECRETEXAMPLE' };
    this.proc = spawn(LAUNCHER, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out = tail(this.proc.stdout);
    const err = tail(this.proc.stderr);
    await waitReady(this.url, this.proc, () => `${out()}\n${err()}`);
  }

  /** Issues a key with the CLI: { accessKeyId, secretAccessKey, role }, optionally with a default case and purpose. */
  async createKey(role, program = BUILT, defaults = {}) {
    const scope = defaults.caseId ? ['--default-case', defaults.caseId, '--default-purpose', defaults.purpose] : [];
    const key = JSON.parse(await cli(program, ['keys', 'create', '--role', role, ...scope, '--json', '--data', this.dataDir]));
    return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, role: key.role };
  }

  /** Runs a CLI command on this server's data directory (what an administrator does on the server's machine); its stdout. */
  async sightline(...args) {
    return cli(BUILT, [...args, '--data', this.dataDir]);
  }

  async revokeKey(accessKeyId) {
    await cli(BUILT, ['keys', 'revoke', accessKeyId, '--data', this.dataDir]);
  }

  /** A client signing with the given role's key (or an explicit { accessKeyId, secretAccessKey }). */
  client(roleOrKey = 'admin', extraConfig = {}) {
    const key = typeof roleOrKey === 'string' ? this.keys[roleOrKey] : roleOrKey;
    const client = new RekognitionClient({
      region: REGION,
      endpoint: this.url,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      ...extraConfig,
    });
    client.middlewareStack.add((next, context) => async (args) => {
      const result = await next(args);
      this.succeeded.add(context.commandName.replace(/Command$/, ''));
      return result;
    }, { step: 'initialize', name: 'sightlineCompatRecordSuccess' });
    return client;
  }

  /**
   * A request signed exactly as the SDK signs one, for what the SDK would never send: an unknown target, a body
   * that is not JSON, a stale date. `body` is a string (sent as is) or an object (JSON-encoded). Send it with `post`.
   */
  async signed(target, body, { role = 'admin', signingDate } = {}) {
    const { host, port } = new URL(this.url);
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: host.replace(/:\d+$/, ''),
      port: Number(port),
      path: '/',
      // Each signing is unique (as the SDK's invocation id makes it), so only a deliberate resend is a replay.
      headers: { host, 'content-type': JSON_11, 'x-amz-target': target, 'amz-sdk-invocation-id': randomUUID() },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const { accessKeyId, secretAccessKey } = this.keys[role];
    const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region: REGION, service: SERVICE, sha256: Sha256 });
    return signer.sign(request, { signingDate });
  }

  /** POSTs a prepared request (or { headers, body }) as is: { status, headers, text, json }. */
  async post({ headers = {}, body = '' }) {
    // fetch sets Host itself, to the same value that was signed.
    const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'host'));
    const res = await fetch(`${this.url}/`, { method: 'POST', headers: sent, body });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      const stuck = setTimeout(() => this.proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(stuck);
    }
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    if (this.videoDir) await rm(this.videoDir, { recursive: true, force: true });
    if (this.resultsDir) await rm(this.resultsDir, { recursive: true, force: true });
    if (this.s3) await this.s3.close();
    if (this.jobHook) await new Promise((resolve) => this.jobHook.close(resolve));
  }
}
