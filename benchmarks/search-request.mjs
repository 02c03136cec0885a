// SearchFacesByImage through the official AWS SDK for JavaScript, one request at a time: prints the median and
// spread in ms as one JSON line. Usage: node search-request.mjs ENDPOINT KEY_ID SECRET COLLECTION IMAGE REQUESTS
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(new URL('../tests/compat/package.json', import.meta.url));
const { RekognitionClient, SearchFacesByImageCommand } = require('@aws-sdk/client-rekognition');

const [endpoint, accessKeyId, secretAccessKey, collection, image, requests] = process.argv.slice(2);
const client = new RekognitionClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const bytes = readFileSync(image);
const search = () => client.send(new SearchFacesByImageCommand({ CollectionId: collection, Image: { Bytes: bytes }, MaxFaces: 10 }));

for (let i = 0; i < 3; i++) await search(); // warm-up
const times = [];
let matches = 0;
for (let i = 0; i < Number(requests); i++) {
  const start = process.hrtime.bigint();
  const answer = await search();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  matches = answer.FaceMatches.length;
}
times.sort((a, b) => a - b);
const at = q => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(JSON.stringify({ requests: times.length, matches, p50Ms: at(0.5), p10Ms: at(0.1), p90Ms: at(0.9) }));
