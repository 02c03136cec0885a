// A minimal S3-compatible endpoint (path-style GET and HEAD of objects) standing in for MinIO or AWS S3, so the
// suite can check that Sightline fetches S3Object inputs from a remote endpoint with signed requests.
import http from 'node:http';
import { createHash } from 'node:crypto';

export async function startFakeS3(accessKeyId, objects) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const [, bucket, ...rest] = decodeURIComponent(new URL(req.url, 'http://x').pathname).split('/');
    const key = rest.join('/');
    requests.push({ method: req.method, bucket, key, authorization: req.headers.authorization ?? '' });
    if (!(req.headers.authorization ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return;
    }
    const body = objects.get(`${bucket}/${key}`);
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, etag: `"${createHash('md5').update(body).digest('hex')}"`, 'last-modified': new Date().toUTCString() });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}
