// Drives one Sightline server with the official AWS SDK for JavaScript (@aws-sdk/client-rekognition), unchanged but
// for the endpoint: every operation Sightline serves, Rekognition's error types, SigV4 authentication and roles, and
// the AWS JSON 1.1 protocol edges the SDK never produces (sent as raw signed requests).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as R from '@aws-sdk/client-rekognition';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLIP, EDIT, JOB_TOPIC, SCENE, SightlineServer, makeEdit, sample } from './server.mjs';
import { yoloV8Detector } from './tiny-onnx.mjs';

const SDK = `@aws-sdk/client-rekognition@${createRequire(import.meta.url)('@aws-sdk/client-rekognition/package.json').version}`;
const OPERATIONS = [
  'DetectFaces', 'CompareFaces', 'DetectLabels', 'CreateCollection', 'DescribeCollection', 'ListCollections', 'DeleteCollection',
  'IndexFaces', 'ListFaces', 'DeleteFaces', 'SearchFaces', 'SearchFacesByImage', 'CreateUser', 'DeleteUser',
  'ListUsers', 'AssociateFaces', 'DisassociateFaces', 'SearchUsers', 'SearchUsersByImage',
  'TagResource', 'UntagResource', 'ListTagsForResource',
  'StartFaceDetection', 'GetFaceDetection', 'StartFaceSearch', 'GetFaceSearch', 'DetectText', 'DetectCustomLabels',
  'StartLabelDetection', 'GetLabelDetection', 'StartTextDetection', 'GetTextDetection', 'StartSegmentDetection', 'GetSegmentDetection',
  'StartPersonTracking', 'GetPersonTracking',
  'CreateStreamProcessor', 'StartStreamProcessor', 'StopStreamProcessor', 'DescribeStreamProcessor', 'ListStreamProcessors',
  'DeleteStreamProcessor', 'UpdateStreamProcessor',
];
const SLOW = { timeout: 120_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MIB = 1024 * 1024;

let server;
let admin;
const photos = {};

before(async () => {
  server = await SightlineServer.start();
  admin = server.client('admin');
  for (const n of [1, 2, 3, 4, 5, 6]) photos[n] = await sample(`sample${n}`);
}, { timeout: 300_000 });

after(async () => {
  if (!server) return;
  const driven = OPERATIONS.filter((op) => server.succeeded.has(op));
  console.log(`operations driven by ${SDK}: ${driven.length} (${driven.join(', ')})`);
  await server.stop();
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const send = (command, client = admin) => client.send(command);
const image = (bytes) => ({ Bytes: bytes });

/** The SDK raised `name` (as the class it models, when it models one) with HTTP `status`. */
async function assertError(promise, name, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, status, `${name}: HTTP status`);
    assert.ok(err instanceof R.RekognitionServiceException, `${name} is a RekognitionServiceException`);
    if (typeof R[name] === 'function') assert.ok(err instanceof R[name], `${name} is the SDK's ${name} class`);
    assert.equal(typeof err.message, 'string');
    assert.ok(err.message.length > 0, `${name} carries a message`);
    return true;
  });
}

/** A raw response carried the AWS JSON 1.1 error `type` with HTTP `status`. */
function assertRawError(res, type, status) {
  assert.equal(res.status, status, `HTTP status for ${type}: ${res.text}`);
  assert.equal(res.json?.__type, type, res.text);
  assert.equal(typeof res.json.message, 'string');
  assert.equal(res.headers.get('x-amzn-errortype'), type);
}

/** After an error the server still answers a normal signed call. */
async function assertStillServing() {
  const res = await send(new R.ListCollectionsCommand({}));
  assert.equal(res.$metadata.httpStatusCode, 200);
  assert.ok(Array.isArray(res.CollectionIds));
}

const area = (box) => box.Width * box.Height;
const largest = (items, box = (x) => x.BoundingBox) => items.reduce((a, b) => (area(box(b)) > area(box(a)) ? b : a));

function assertBoxClose(actual, expected, tolerance = 0.01) {
  for (const key of ['Width', 'Height', 'Left', 'Top'])
    assert.ok(Math.abs(actual[key] - expected[key]) <= tolerance, `BoundingBox.${key}: ${actual[key]} vs ${expected[key]}`);
}

function assertBox(box) {
  for (const key of ['Width', 'Height', 'Left', 'Top']) assert.equal(typeof box[key], 'number', `BoundingBox.${key}`);
  assert.ok(box.Width > 0 && box.Width <= 1 && box.Height > 0 && box.Height <= 1, JSON.stringify(box));
}

/** 5×7 dot glyphs for the characters the text test prints. */
const GLYPHS = {
  S: ['01111', '10000', '10000', '01110', '00001', '00001', '11110'],
  I: ['01110', '00100', '00100', '00100', '00100', '00100', '01110'],
  G: ['01111', '10000', '10000', '10011', '10001', '10001', '01111'],
  H: ['10001', '10001', '10001', '11111', '10001', '10001', '10001'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  2: ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  0: ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  6: ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

/** A white 24-bit BMP with TEXT printed in black block letters (each dot DOT px). */
function textBmp(text, dot = 6) {
  const margin = 4 * dot, width = margin * 2 + text.length * 6 * dot, height = margin * 2 + 7 * dot;
  const bmp = blankBmp(width, height, 255);
  const stride = Math.ceil((width * 3) / 4) * 4;
  [...text].forEach((ch, i) => GLYPHS[ch].forEach((row, r) => [...row].forEach((bit, c) => {
    if (bit !== '1') return;
    for (let y = 0; y < dot; y++) {
      const top = margin + r * dot + y, line = height - 1 - top; // BMP rows run bottom-up
      const start = 54 + line * stride + (margin + (i * 6 + c) * dot) * 3;
      bmp.fill(0, start, start + dot * 3);
    }
  })));
  return bmp;
}

/** A 24-bit BMP of one grey level: a valid image with no face in it. */
function blankBmp(width, height, grey = 128) {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + stride * height, grey);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(0, 6);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(0, 30);
  bmp.writeUInt32LE(stride * height, 34);
  bmp.writeInt32LE(2835, 38);
  bmp.writeInt32LE(2835, 42);
  bmp.writeUInt32LE(0, 46);
  bmp.writeUInt32LE(0, 50);
  return bmp;
}

async function detect(n, attributes = ['DEFAULT']) {
  return (await send(new R.DetectFacesCommand({ Image: image(photos[n]), Attributes: attributes }))).FaceDetails;
}

async function createCollection(id) {
  const res = await send(new R.CreateCollectionCommand({ CollectionId: id }));
  assert.equal(res.StatusCode, 200);
  return res;
}

async function index(collectionId, n, extra = {}) {
  return send(new R.IndexFacesCommand({ CollectionId: collectionId, Image: image(photos[n]), ...extra }));
}

async function listAllFaces(collectionId, extra = {}, pageSize = 1000) {
  const faces = [];
  const pages = R.paginateListFaces({ client: admin, pageSize }, { CollectionId: collectionId, ...extra });
  for await (const page of pages) faces.push(...page.Faces);
  return faces;
}

// ---------------------------------------------------------------------------------------------------------------

describe('face analysis', () => {
  it('DetectFaces (Attributes DEFAULT) finds every face of the sample photos with boxes, landmarks, pose and quality', SLOW, async () => {
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const faces = await detect(n);
      assert.ok(faces.length >= 2, `sample${n} is a group photo, found ${faces.length} faces`);
      for (const face of faces) {
        assertBox(face.BoundingBox);
        assert.ok(face.Confidence > 50 && face.Confidence <= 100, `Confidence ${face.Confidence}`);
        assert.ok(face.Landmarks.length >= 5);
        assert.ok(face.Landmarks.some((l) => l.Type === 'eyeLeft') && face.Landmarks.some((l) => l.Type === 'nose'));
        for (const key of ['Roll', 'Yaw', 'Pitch']) assert.equal(typeof face.Pose[key], 'number');
        assert.ok(face.Quality.Brightness >= 0 && face.Quality.Brightness <= 100);
        assert.ok(face.Quality.Sharpness >= 0 && face.Quality.Sharpness <= 100);
        assert.equal(face.AgeRange, undefined, 'DEFAULT omits the estimated attributes');
        assert.equal(face.Emotions, undefined);
      }
    }
  });

  it('DetectFaces (Attributes ALL) adds age, gender, smile, eyes, mouth and emotions', SLOW, async () => {
    const faces = await detect(1, ['ALL']);
    assert.equal(faces.length, (await detect(1)).length, 'ALL finds the same faces as DEFAULT');
    for (const face of faces) {
      assert.ok(Number.isInteger(face.AgeRange.Low) && face.AgeRange.Low <= face.AgeRange.High, JSON.stringify(face.AgeRange));
      assert.ok(['Male', 'Female'].includes(face.Gender.Value));
      for (const key of ['Smile', 'EyesOpen', 'MouthOpen']) {
        assert.equal(typeof face[key].Value, 'boolean', key);
        assert.ok(face[key].Confidence >= 0 && face[key].Confidence <= 100, key);
      }
      assert.ok(face.Emotions.length > 0);
      for (const emotion of face.Emotions) assert.ok(Object.values(R.EmotionName).includes(emotion.Type), emotion.Type);
    }
  });

  it('DetectText reads printed lines and words, and refuses a bad filter', SLOW, async () => {
    const res = await send(new R.DetectTextCommand({ Image: image(textBmp('SIGHT 2026')) }));
    const lines = res.TextDetections.filter((d) => d.Type === 'LINE');
    assert.equal(lines.map((l) => l.DetectedText).join('').replace(/\s/g, ''), 'SIGHT2026');
    const words = res.TextDetections.filter((d) => d.Type === 'WORD');
    assert.deepEqual(words.map((w) => w.DetectedText), ['SIGHT', '2026']);
    assert.ok(words.every((w) => lines.some((l) => l.Id === w.ParentId) && w.Geometry.Polygon.length === 4), JSON.stringify(words));
    assert.ok(lines.every((l) => l.Confidence > 80 && l.Geometry.BoundingBox.Width > 0.2));
    assert.equal(typeof res.TextModelVersion, 'string');
    await assertError(send(new R.DetectTextCommand({ Image: image(textBmp('SIGHT')), Filters: { WordFilter: { MinConfidence: 150 } } })), 'InvalidParameterException', 400);
  });

  it('DetectCustomLabels runs a registered detector by id or ARN, and names an unknown one', SLOW, async () => {
    const model = yoloV8Detector([
      { cx: 32, cy: 32, w: 16, h: 16, scores: [0.9, 0.1] },
      { cx: 16, cy: 48, w: 8, h: 8, scores: [0.05, 0.8] },
    ]);
    const form = new FormData();
    form.append('id', 'weapons');
    form.append('model', new Blob([model]), 'weapons.onnx');
    form.append('labels', new Blob(['gun\nknife\n']), 'labels.txt');
    const { accessKeyId, secretAccessKey } = server.keys.admin;
    const registered = await fetch(`${server.url}/v1/detectors`, { method: 'POST', headers: { authorization: `Bearer ${accessKeyId}:${secretAccessKey}` }, body: form });
    assert.equal(registered.status, 201, await registered.text());
    for (const arn of ['weapons', 'arn:aws:rekognition:us-east-1:000000000000:project/weapons/version/weapons/1']) {
      const res = await send(new R.DetectCustomLabelsCommand({ ProjectVersionArn: arn, Image: image(blankBmp(128, 128)), MinConfidence: 50 }));
      assert.deepEqual(res.CustomLabels.map((l) => l.Name).sort(), ['gun', 'knife']);
      for (const l of res.CustomLabels) assert.ok(l.Confidence >= 50 && l.Geometry.BoundingBox.Width > 0, JSON.stringify(l));
    }
    await assertError(send(new R.DetectCustomLabelsCommand({ ProjectVersionArn: 'nothing-here', Image: image(blankBmp(128, 128)) })), 'ResourceNotFoundException', 400);
  });

  it('DetectFaces returns no faces for a blank image', SLOW, async () => {
    const res = await send(new R.DetectFacesCommand({ Image: image(blankBmp(200, 200)) }));
    assert.deepEqual(res.FaceDetails, []);
  });

  it('DetectLabels finds the people of a group photo with boxes, honours filters and rejects bad parameters', SLOW, async () => {
    const res = await send(new R.DetectLabelsCommand({ Image: image(photos[1]), MinConfidence: 30, MaxLabels: 10 }));
    assert.equal(typeof res.LabelModelVersion, 'string');
    const person = res.Labels.find((l) => l.Name === 'Person');
    assert.ok(person, JSON.stringify(res.Labels.map((l) => l.Name)));
    assert.ok(person.Instances.length >= 2, `${person.Instances.length} person instances`);
    for (const instance of person.Instances) {
      assertBox(instance.BoundingBox);
      assert.ok(instance.Confidence >= 30 && instance.Confidence <= 100);
    }
    assert.deepEqual(person.Categories.map((c) => c.Name), ['Person Description']);
    for (const label of res.Labels) assert.ok(Array.isArray(label.Parents) && Array.isArray(label.Aliases));
    const only = await send(new R.DetectLabelsCommand({
      Image: image(photos[1]), MinConfidence: 30, Features: ['GENERAL_LABELS'],
      Settings: { GeneralLabels: { LabelInclusionFilters: ['Person'] } },
    }));
    assert.deepEqual(only.Labels.map((l) => l.Name), ['Person']);
    await assertError(send(new R.DetectLabelsCommand({ Image: image(photos[1]), MinConfidence: 150 })), 'InvalidParameterException', 400);
    await assertError(send(new R.DetectLabelsCommand({
      Image: image(photos[1]), Settings: { GeneralLabels: { LabelExclusionFilters: ['Unicorn'] } },
    })), 'InvalidParameterException', 400);
    await assertError(send(new R.DetectLabelsCommand({ Image: image(randomBytes(4096)) })), 'InvalidImageFormatException', 400);
  });

  it('CompareFaces matches a photo against itself (Similarity > 99) and leaves the other faces unmatched', SLOW, async () => {
    const faces = await detect(1);
    const res = await send(new R.CompareFacesCommand({ SourceImage: image(photos[1]), TargetImage: image(photos[1]) }));
    const source = largest(faces);
    assertBoxClose(res.SourceImageFace.BoundingBox, source.BoundingBox);
    assert.ok(res.SourceImageFace.Confidence > 90);
    assert.equal(res.FaceMatches.length, 1, JSON.stringify(res.FaceMatches.map((m) => m.Similarity)));
    assert.ok(res.FaceMatches[0].Similarity > 99, `Similarity ${res.FaceMatches[0].Similarity}`);
    assertBoxClose(res.FaceMatches[0].Face.BoundingBox, source.BoundingBox);
    assert.equal(res.FaceMatches.length + res.UnmatchedFaces.length, faces.length);
  });

  it('CompareFaces finds the same person in another photo and nobody in a photo of strangers', SLOW, async () => {
    const across = await send(new R.CompareFacesCommand({ SourceImage: image(photos[1]), TargetImage: image(photos[3]), SimilarityThreshold: 90 }));
    assert.equal(across.FaceMatches.length, 1);
    assert.ok(across.FaceMatches[0].Similarity >= 90);
    assert.equal(across.UnmatchedFaces.length, (await detect(3)).length - 1);

    const strangers = await send(new R.CompareFacesCommand({ SourceImage: image(photos[1]), TargetImage: image(photos[5]) }));
    assert.deepEqual(strangers.FaceMatches, []);
    assert.equal(strangers.UnmatchedFaces.length, (await detect(5)).length);
  });
});

describe('collections', () => {
  const ids = ['compat-page-0', 'compat-page-1', 'compat-page-2', 'compat-page-3', 'compat-page-4'];

  it('CreateCollection answers StatusCode 200, the collection ARN and the face model version', SLOW, async () => {
    const res = await createCollection('compat-create');
    assert.match(res.CollectionArn, /^(arn:)?aws:rekognition:[^:]+:\d{12}:collection\/compat-create$/);
    assert.ok(res.FaceModelVersion.length > 0);
  });

  it('DescribeCollection of an empty collection: FaceCount 0, UserCount 0, ARN, model version, CreationTimestamp as a Date', SLOW, async () => {
    const created = await createCollection('compat-describe');
    const started = Date.now();
    const res = await send(new R.DescribeCollectionCommand({ CollectionId: 'compat-describe' }));
    assert.equal(res.FaceCount, 0);
    assert.equal(res.UserCount, 0);
    assert.equal(res.CollectionARN, created.CollectionArn);
    assert.equal(res.FaceModelVersion, created.FaceModelVersion);
    assert.ok(res.CreationTimestamp instanceof Date, 'CreationTimestamp is parsed to a Date');
    assert.ok(Math.abs(res.CreationTimestamp.getTime() - started) < 10 * 60_000, res.CreationTimestamp.toISOString());
  });

  it('ListCollections pages with MaxResults and NextToken', SLOW, async () => {
    for (const id of ids) await createCollection(id);
    const seen = [];
    let token;
    let pages = 0;
    do {
      const res = await send(new R.ListCollectionsCommand({ MaxResults: 2, NextToken: token }));
      assert.ok(res.CollectionIds.length <= 2, `page of ${res.CollectionIds.length}`);
      assert.equal(res.FaceModelVersions.length, res.CollectionIds.length);
      seen.push(...res.CollectionIds);
      token = res.NextToken;
      pages += 1;
      assert.ok(pages < 50, 'paging terminates');
    } while (token);
    assert.equal(new Set(seen).size, seen.length, 'no collection is listed twice');
    for (const id of ids) assert.ok(seen.includes(id), `${id} listed`);
    assert.ok(pages >= 3);
  });

  it('DeleteCollection answers StatusCode 200 and the collection is gone', SLOW, async () => {
    await createCollection('compat-delete');
    const res = await send(new R.DeleteCollectionCommand({ CollectionId: 'compat-delete' }));
    assert.equal(res.StatusCode, 200);
    const list = await send(new R.ListCollectionsCommand({}));
    assert.ok(!list.CollectionIds.includes('compat-delete'));
    await assertError(send(new R.DescribeCollectionCommand({ CollectionId: 'compat-delete' })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.DeleteCollectionCommand({ CollectionId: 'compat-delete' })), 'ResourceNotFoundException', 400);
  });

  it('an existing collection id is ResourceAlreadyExistsException', SLOW, async () => {
    await createCollection('compat-duplicate');
    await assertError(send(new R.CreateCollectionCommand({ CollectionId: 'compat-duplicate' })), 'ResourceAlreadyExistsException', 400);
  });

  it('an unknown collection is ResourceNotFoundException for every operation on it', SLOW, async () => {
    const CollectionId = 'compat-no-such-collection';
    const commands = [
      new R.DescribeCollectionCommand({ CollectionId }),
      new R.IndexFacesCommand({ CollectionId, Image: image(photos[1]) }),
      new R.ListFacesCommand({ CollectionId }),
      new R.SearchFacesByImageCommand({ CollectionId, Image: image(photos[1]) }),
      new R.ListUsersCommand({ CollectionId }),
      new R.CreateUserCommand({ CollectionId, UserId: 'nobody' }),
    ];
    for (const command of commands) await assertError(send(command), 'ResourceNotFoundException', 400);
  });
});

describe('tags on a collection', () => {
  it('TagResource, ListTagsForResource and UntagResource round-trip on the collection ARN', SLOW, async () => {
    const { CollectionArn } = await createCollection('compat-tags');
    await send(new R.TagResourceCommand({ ResourceArn: CollectionArn, Tags: { unit: 'robbery', retention: '365d' } }));
    await send(new R.TagResourceCommand({ ResourceArn: `arn:${CollectionArn}`, Tags: { unit: 'burglary' } }));
    assert.deepEqual((await send(new R.ListTagsForResourceCommand({ ResourceArn: CollectionArn }))).Tags, { retention: '365d', unit: 'burglary' });
    await send(new R.UntagResourceCommand({ ResourceArn: CollectionArn, TagKeys: ['retention', 'absent'] }));
    assert.deepEqual((await send(new R.ListTagsForResourceCommand({ ResourceArn: CollectionArn }))).Tags, { unit: 'burglary' });
  });

  it('bad tags and unknown ARNs are refused with the SDK\'s exceptions', SLOW, async () => {
    const { CollectionArn } = await createCollection('compat-tags-bad');
    await assertError(send(new R.TagResourceCommand({ ResourceArn: CollectionArn, Tags: { 'aws:owner': 'x' } })), 'InvalidParameterException', 400);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await assertError(send(new R.TagResourceCommand({ ResourceArn: CollectionArn, Tags: many })), 'InvalidParameterException', 400);
    await assertError(send(new R.ListTagsForResourceCommand({ ResourceArn: CollectionArn.replace('compat-tags-bad', 'compat-none') })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.ListTagsForResourceCommand({ ResourceArn: 'not-an-arn' })), 'InvalidParameterException', 400);
  });
});

describe('search policy', () => {
  it('a key with no case or purpose is refused identification searches (AccessDeniedException), not detection', SLOW, async () => {
    await createCollection('compat-policy');
    const bare = server.client(await server.createKey('analyst'));
    const search = new R.SearchFacesByImageCommand({ CollectionId: 'compat-policy', Image: image(photos[1]) });
    await assertError(send(search, bare), 'AccessDeniedException', 400);
    const detected = await send(new R.DetectFacesCommand({ Image: image(photos[1]) }), bare);
    assert.equal(detected.FaceDetails.length, 3);
  });

  it('a threshold below the identification floor is InvalidParameterException', SLOW, async () => {
    await createCollection('compat-floor');
    const search = new R.SearchFacesByImageCommand({ CollectionId: 'compat-floor', Image: image(photos[1]), FaceMatchThreshold: 50 });
    await assertError(send(search), 'InvalidParameterException', 400);
  });
});

describe('stored video', () => {
  const video = { S3Object: { Bucket: 'videos', Name: CLIP.name } };

  /** Polls a Get*Command until the job leaves IN_PROGRESS. */
  async function finished(Command, JobId) {
    for (let i = 0; i < 240; i++) {
      const res = await send(new Command({ JobId }));
      if (res.JobStatus !== 'IN_PROGRESS') return res;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`job ${JobId} did not finish`);
  }

  it('StartFaceDetection then GetFaceDetection: metadata, every sampled frame\'s faces, paging', { timeout: 180_000 }, async () => {
    const { JobId } = await send(new R.StartFaceDetectionCommand({ Video: video, JobTag: 'compat', ClientRequestToken: 'detect-1' }));
    assert.match(JobId, /^[0-9a-f]{32}$/);
    const again = await send(new R.StartFaceDetectionCommand({ Video: video, JobTag: 'compat', ClientRequestToken: 'detect-1' }));
    assert.equal(again.JobId, JobId, 'the same client request token gives the same job');
    const res = await finished(R.GetFaceDetectionCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    assert.equal(res.JobTag, 'compat');
    assert.deepEqual(res.Video, video);
    assert.equal(res.VideoMetadata.Codec, 'h264');
    assert.equal(res.VideoMetadata.FrameWidth, CLIP.width);
    assert.equal(res.VideoMetadata.FrameHeight, CLIP.height);
    assert.ok(Math.abs(res.VideoMetadata.DurationMillis - 4000) <= 300, `${res.VideoMetadata.DurationMillis} ms`);
    const perFrame = new Map();
    for (const f of res.Faces) perFrame.set(f.Timestamp, (perFrame.get(f.Timestamp) ?? 0) + 1);
    const first = [...perFrame].filter(([t]) => t < CLIP.switchMillis - 300).map(([, n]) => n);
    const second = [...perFrame].filter(([t]) => t > CLIP.switchMillis + 300).map(([, n]) => n);
    assert.ok(first.length >= 5 && first.every((n) => n === 3), `sample1 frames: ${first}`);
    assert.ok(second.length >= 5 && second.every((n) => n === 4), `sample4 frames: ${second}`);
    assert.ok(res.Faces.every((f) => f.Face.BoundingBox.Width > 0 && f.Face.Confidence > 50));

    const pages = [];
    let NextToken;
    do {
      const page = await send(new R.GetFaceDetectionCommand({ JobId, MaxResults: 10, NextToken }));
      assert.ok(page.Faces.length <= 10);
      pages.push(...page.Faces);
      NextToken = page.NextToken;
    } while (NextToken);
    assert.equal(pages.length, res.Faces.length);
  });

  it('StartFaceSearch then GetFaceSearch: enrolled faces are found in the frames they appear in, with a per-video person index', { timeout: 180_000 }, async () => {
    await createCollection('compat-video');
    const indexed = await send(new R.IndexFacesCommand({ CollectionId: 'compat-video', Image: image(photos[1]), ExternalImageId: 'sample1' }));
    const { JobId } = await send(new R.StartFaceSearchCommand({ Video: video, CollectionId: 'compat-video', FaceMatchThreshold: 90 }));
    const res = await finished(R.GetFaceSearchCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    assert.ok(res.Persons.length >= 10, `${res.Persons.length} person matches`);
    const enrolled = new Set(indexed.FaceRecords.map((r) => r.Face.FaceId));
    for (const p of res.Persons) {
      assert.ok(p.Timestamp < CLIP.switchMillis + 300, `a match at ${p.Timestamp} ms, after sample1 left the clip`);
      assert.ok(p.FaceMatches[0].Similarity >= 90);
      assert.ok(enrolled.has(p.FaceMatches[0].Face.FaceId));
    }
    // One person index per enrolled face, kept from frame to frame.
    const indexFace = new Map();
    for (const p of res.Persons) {
      const face = p.FaceMatches[0].Face.FaceId;
      if (!indexFace.has(p.Person.Index)) indexFace.set(p.Person.Index, face);
      assert.equal(indexFace.get(p.Person.Index), face, `person ${p.Person.Index} stays one face`);
    }
    assert.equal(indexFace.size, 3);
    const byIndex = await send(new R.GetFaceSearchCommand({ JobId, SortBy: 'INDEX' }));
    const order = byIndex.Persons.map((p) => p.Person.Index);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  });

  it('a video in a remote bucket is downloaded for the job and analysed the same', { timeout: 180_000 }, async () => {
    const { JobId } = await send(new R.StartFaceDetectionCommand({ Video: { S3Object: { Bucket: 'remote', Name: 'clips/two-photos.mp4' } } }));
    const res = await finished(R.GetFaceDetectionCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    assert.ok(res.Faces.length >= 50, `${res.Faces.length} faces`);
  });

  it('video errors: unknown job, missing object, SNS channel, auditor role', SLOW, async () => {
    await assertError(send(new R.GetFaceDetectionCommand({ JobId: 'f'.repeat(32) })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.StartFaceDetectionCommand({ Video: { S3Object: { Bucket: 'videos', Name: 'none.mp4' } } })), 'InvalidS3ObjectException', 400);
    await assertError(send(new R.StartFaceDetectionCommand({ Video: video, NotificationChannel: { SNSTopicArn: 'arn:aws:sns:us-east-1:1:t', RoleArn: 'arn:aws:iam::1:role/r' } })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartFaceSearchCommand({ Video: video, CollectionId: 'compat-none' })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.StartFaceDetectionCommand({ Video: video }), server.client('auditor')), 'AccessDeniedException', 400);
    await assertError(send(new R.StartFaceSearchCommand({ Video: video, CollectionId: 'compat-video' }), server.client('operator')), 'AccessDeniedException', 400);
    const photoAsVideo = await send(new R.StartFaceDetectionCommand({ Video: { S3Object: { Bucket: 'fixtures', Name: 'sample1.jpg' } } }));
    const failed = await finished(R.GetFaceDetectionCommand, photoAsVideo.JobId);
    assert.ok(['FAILED', 'SUCCEEDED'].includes(failed.JobStatus));
  });
});

describe('stored video analysis: labels, text, segments, person tracking', () => {
  const edit = { S3Object: { Bucket: 'videos', Name: EDIT.name } };
  const scene = { S3Object: { Bucket: 'videos', Name: SCENE.name } };

  before(async () => {
    const card = path.join(server.videoDir, 'card.bmp');
    await writeFile(card, textBmp('SIGHT 2026', 12));
    await makeEdit(path.join(server.videoDir, EDIT.name), card);
  }, { timeout: 120_000 });

  async function finished(Command, JobId, extra = {}) {
    for (let i = 0; i < 360; i++) {
      const res = await send(new Command({ JobId, ...extra }));
      if (res.JobStatus !== 'IN_PROGRESS') return res;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`job ${JobId} did not finish`);
  }

  /** Every page of a Get* operation's `field`, MaxResults at a time. */
  async function allPages(Command, JobId, field, MaxResults, extra = {}) {
    const items = [];
    let NextToken;
    do {
      const page = await send(new Command({ JobId, MaxResults, NextToken, ...extra }));
      assert.ok(page[field].length <= MaxResults);
      items.push(...page[field]);
      NextToken = page.NextToken;
    } while (NextToken);
    return items;
  }

  it('StartSegmentDetection: the known cuts as shots, black frames and colour bars as technical cues, SMPTE timecodes, paging, and the completion told to the mapped SNS topic', { timeout: 180_000 }, async () => {
    const { JobId } = await send(new R.StartSegmentDetectionCommand({
      Video: edit, SegmentTypes: ['SHOT', 'TECHNICAL_CUE'], JobTag: 'edit',
      NotificationChannel: { SNSTopicArn: JOB_TOPIC, RoleArn: 'arn:aws:iam::000000000000:role/sightline' },
    }));
    const res = await finished(R.GetSegmentDetectionCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    assert.deepEqual(res.SelectedSegmentTypes.map((t) => t.Type).sort(), ['SHOT', 'TECHNICAL_CUE']);
    assert.equal(res.VideoMetadata[0].FrameWidth, 1280);
    const shots = res.Segments.filter((s) => s.Type === 'SHOT');
    assert.deepEqual(shots.map((s) => s.StartFrameNumber), EDIT.shots, JSON.stringify(shots.map((s) => [s.StartFrameNumber, s.ShotSegment.Confidence])));
    assert.deepEqual(shots.map((s) => s.ShotSegment.Index), [0, 1, 2, 3, 4]);
    assert.equal(shots.at(-1).EndFrameNumber, EDIT.frames - 1);
    const second = shots[1];
    assert.equal(second.StartTimecodeSMPTE, '00:00:02:00');
    assert.equal(second.EndTimecodeSMPTE, '00:00:03:00');
    assert.equal(second.DurationSMPTE, '00:00:01:00');
    assert.equal(second.StartTimestampMillis, 2000);
    assert.equal(second.DurationFrames, 10);
    const cues = res.Segments.filter((s) => s.Type === 'TECHNICAL_CUE').map((s) => [s.TechnicalCueSegment.Type, s.StartFrameNumber, s.EndFrameNumber]);
    assert.deepEqual(cues, [['BlackFrames', ...EDIT.black], ['ColorBars', ...EDIT.bars]]);
    assert.equal((await allPages(R.GetSegmentDetectionCommand, JobId, 'Segments', 2)).length, res.Segments.length);

    const shotsOnly = await send(new R.StartSegmentDetectionCommand({ Video: edit, SegmentTypes: ['SHOT'], Filters: { ShotFilter: { MinSegmentConfidence: 60 } } }));
    const only = await finished(R.GetSegmentDetectionCommand, shotsOnly.JobId);
    assert.ok(only.Segments.length > 0 && only.Segments.every((s) => s.Type === 'SHOT' && s.ShotSegment.Confidence >= 60));

    const note = server.jobNotes.find((n) => n.message.JobId === JobId);
    assert.ok(note, `no completion for ${JobId}: ${JSON.stringify(server.jobNotes)}`);
    assert.equal(note.topic, JOB_TOPIC);
    assert.deepEqual({ ...note.message, Timestamp: 0 }, { JobId, Status: 'SUCCEEDED', API: 'StartSegmentDetection', JobTag: 'edit', Timestamp: 0, Video: { S3ObjectName: EDIT.name, S3Bucket: 'videos' } });
  });

  it('StartLabelDetection: labels per timestamp with instances, SEGMENTS with start and end, SortBy NAME, filters', { timeout: 180_000 }, async () => {
    const { JobId } = await send(new R.StartLabelDetectionCommand({ Video: edit, MinConfidence: 60 }));
    const res = await finished(R.GetLabelDetectionCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    assert.ok(res.LabelModelVersion);
    assert.deepEqual(res.GetRequestMetadata, { SortBy: 'TIMESTAMP', AggregateBy: 'TIMESTAMPS' });
    const people = res.Labels.filter((l) => l.Label.Name === 'Person');
    assert.ok(people.some((l) => l.Timestamp < 2000) && people.some((l) => l.Timestamp >= 6000), 'people in the first and last shots');
    assert.ok(people.every((l) => l.Label.Confidence >= 60 && l.Label.Instances.length > 0 && (l.Timestamp < 2000 || l.Timestamp >= 6000)),
      'no person on the black frames, the card or the bars');
    const stamps = res.Labels.map((l) => l.Timestamp);
    assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b));

    const segments = await send(new R.GetLabelDetectionCommand({ JobId, AggregateBy: 'SEGMENTS', SortBy: 'NAME' }));
    const personSegments = segments.Labels.filter((l) => l.Label.Name === 'Person');
    assert.equal(personSegments.length, 2, JSON.stringify(personSegments));
    assert.equal(personSegments[0].StartTimestampMillis, 0);
    assert.ok(Math.abs(personSegments[0].EndTimestampMillis - 2000) <= 200, `${personSegments[0].EndTimestampMillis}`);
    assert.ok(personSegments.every((s) => s.DurationMillis === s.EndTimestampMillis - s.StartTimestampMillis && s.Label.Instances.length === 0));
    const names = segments.Labels.map((l) => l.Label.Name);
    assert.deepEqual(names, [...names].sort());

    const filtered = await send(new R.StartLabelDetectionCommand({ Video: edit, Settings: { GeneralLabels: { LabelInclusionFilters: ['Person'] } } }));
    const onlyPeople = await finished(R.GetLabelDetectionCommand, filtered.JobId);
    assert.ok(onlyPeople.Labels.length > 0 && onlyPeople.Labels.every((l) => l.Label.Name === 'Person'));
    assert.equal((await allPages(R.GetLabelDetectionCommand, filtered.JobId, 'Labels', 3)).length, onlyPeople.Labels.length);
  });

  it('StartTextDetection: a card\'s line and words reported once for its whole appearance, regions of interest', { timeout: 180_000 }, async () => {
    const { JobId } = await send(new R.StartTextDetectionCommand({ Video: edit }));
    const res = await finished(R.GetTextDetectionCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    assert.ok(res.TextModelVersion);
    const lines = res.TextDetections.filter((t) => t.TextDetection.Type === 'LINE');
    const shown = JSON.stringify(lines.map((t) => [t.Timestamp, t.TextDetection.DetectedText]));
    // The card is on screen for 2 s (10 sampled frames): each of its lines is reported once, when it appears.
    const card = lines.filter((t) => t.Timestamp >= 3000 && t.Timestamp < 5000);
    assert.ok(card.some((t) => t.TextDetection.DetectedText.includes('2026')), shown);
    assert.ok(card.every((t) => t.Timestamp <= 3200), shown);
    assert.equal(new Set(card.map((t) => t.TextDetection.DetectedText)).size, card.length, shown);
    for (const line of card) {
      const words = res.TextDetections.filter((t) => t.TextDetection.Type === 'WORD' && t.TextDetection.ParentId === line.TextDetection.Id && t.Timestamp === line.Timestamp);
      assert.ok(words.length > 0, `the words of ${line.TextDetection.DetectedText}`);
    }
    assert.ok(!lines.some((t) => t.TextDetection.DetectedText.includes('2026') && (t.Timestamp < 3000 || t.Timestamp >= 5000)), shown);

    const corner = await send(new R.StartTextDetectionCommand({ Video: edit, Filters: { RegionsOfInterest: [{ BoundingBox: { Left: 0, Top: 0, Width: 0.1, Height: 0.1 } }] } }));
    const none = await finished(R.GetTextDetectionCommand, corner.JobId);
    assert.equal(none.JobStatus, 'SUCCEEDED');
    assert.ok(!none.TextDetections.some((t) => t.TextDetection.DetectedText.includes('2026')));
  });

  it('StartPersonTracking: the person walking through the scene is one index for the whole walk, SortBy INDEX', { timeout: 180_000 }, async () => {
    const { JobId } = await send(new R.StartPersonTrackingCommand({ Video: scene }));
    const res = await finished(R.GetPersonTrackingCommand, JobId);
    assert.equal(res.JobStatus, 'SUCCEEDED', res.StatusMessage);
    const indexes = new Set(res.Persons.map((p) => p.Person.Index));
    assert.deepEqual([...indexes], [0], `indexes ${[...indexes]}`);
    const times = res.Persons.map((p) => p.Timestamp);
    assert.ok(Math.min(...times) <= 4000 && Math.max(...times) >= 9000, `followed ${Math.min(...times)}–${Math.max(...times)} ms`);
    assert.ok(res.Persons.every((p) => p.Person.BoundingBox.Width > 0 && p.Person.Face === undefined));
    const byIndex = await allPages(R.GetPersonTrackingCommand, JobId, 'Persons', 7, { SortBy: 'INDEX' });
    assert.equal(byIndex.length, res.Persons.length);
  });

  it('errors: bad job ids, kinds and tokens, filters out of range, a photo that is not a video', SLOW, async () => {
    await assertError(send(new R.GetLabelDetectionCommand({ JobId: 'f'.repeat(32) })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.GetTextDetectionCommand({ JobId: 'f'.repeat(32) })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.GetSegmentDetectionCommand({ JobId: 'f'.repeat(32) })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.GetPersonTrackingCommand({ JobId: 'f'.repeat(32) })), 'ResourceNotFoundException', 400);
    const { JobId } = await send(new R.StartPersonTrackingCommand({ Video: edit }));
    await assertError(send(new R.GetLabelDetectionCommand({ JobId })), 'ResourceNotFoundException', 400); // a job of another kind
    await assertError(send(new R.GetPersonTrackingCommand({ JobId, NextToken: 'not-a-token' })), 'InvalidParameterException', 400);
    await assertError(send(new R.GetPersonTrackingCommand({ JobId, SortBy: 'NAME' })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartLabelDetectionCommand({ Video: edit, MinConfidence: 101 })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartLabelDetectionCommand({ Video: edit, Settings: { GeneralLabels: { LabelInclusionFilters: ['Unicorn'] } } })), 'InvalidParameterException', 400);
    await assertError(send(new R.GetLabelDetectionCommand({ JobId, AggregateBy: 'FRAMES' })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartTextDetectionCommand({ Video: edit, Filters: { WordFilter: { MinConfidence: 150 } } })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartSegmentDetectionCommand({ Video: edit, SegmentTypes: [] })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartSegmentDetectionCommand({ Video: edit, SegmentTypes: ['SHOT'], Filters: { ShotFilter: { MinSegmentConfidence: 20 } } })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartSegmentDetectionCommand({ Video: edit, SegmentTypes: ['SHOT'], NotificationChannel: { SNSTopicArn: 'arn:aws:sns:us-east-1:000000000000:unmapped', RoleArn: 'arn:aws:iam::0:role/r' } })), 'InvalidParameterException', 400);
    await assertError(send(new R.StartLabelDetectionCommand({ Video: edit }), server.client('auditor')), 'AccessDeniedException', 400);
    const photo = await send(new R.StartSegmentDetectionCommand({ Video: { S3Object: { Bucket: 'fixtures', Name: 'sample1.jpg' } }, SegmentTypes: ['SHOT'] }));
    const failed = await finished(R.GetSegmentDetectionCommand, photo.JobId);
    assert.ok(['FAILED', 'SUCCEEDED'].includes(failed.JobStatus));
    const text = await send(new R.StartTextDetectionCommand({ Video: { S3Object: { Bucket: 'fixtures', Name: 'none.mp4' } } })).catch((e) => e);
    assert.equal(text.name, 'InvalidS3ObjectException');
  });
});

describe('stream processors', () => {
  const camera = 'porch';
  const input = { KinesisVideoStream: { Arn: `arn:aws:kinesisvideo:us-east-1:000000000000:stream/${camera}/1700000000000` } };
  const role = 'arn:aws:iam::000000000000:role/sightline';
  const faceSearch = (Name, CollectionId) => new R.CreateStreamProcessorCommand({
    Name, Input: input, RoleArn: role,
    Output: { KinesisDataStream: { Arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/porch-faces' } },
    Settings: { FaceSearch: { CollectionId, FaceMatchThreshold: 90 } },
  });

  /** Polls DescribeStreamProcessor until the status is one of `statuses`. */
  async function status(Name, statuses, seconds = 60) {
    let last;
    for (let i = 0; i < seconds * 4; i++) {
      last = await send(new R.DescribeStreamProcessorCommand({ Name }));
      if (statuses.includes(last.Status)) return last;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${Name} stayed ${last?.Status} (${last?.StatusMessage})`);
  }

  before(async () => {
    await server.sightline('cameras', 'add', camera, '--url', `file://${server.videoDir}/${SCENE.name}`, '--detect', 'person,dog', '--fps', '5');
    await send(new R.CreateCollectionCommand({ CollectionId: 'porch-watch' }));
    await send(new R.IndexFacesCommand({ CollectionId: 'porch-watch', Image: { Bytes: photos[1] }, MaxFaces: 1 }));
  }, { timeout: 120_000 });

  // The camera costs CPU while it runs; the rest of the suite does without it.
  after(() => server.sightline('cameras', 'remove', camera));

  it('FaceSearch is AccessDeniedException without an authorization covering the camera and collection', SLOW, async () => {
    await assert.rejects(send(faceSearch('porch-faces', 'porch-watch')), { name: 'AccessDeniedException' });
    assert.deepEqual((await send(new R.ListStreamProcessorsCommand({}))).StreamProcessors, []);
  });

  it('under an authorization: Create, Describe, List, Start (STARTING → RUNNING), Update and Delete refused while running, Stop, Delete', SLOW, async () => {
    const expires = new Date(Date.now() + 10 * 60_000).toISOString();
    const auth = JSON.parse(await server.sightline('authorizations', 'add', '--order', 'W-77', '--authority', 'Circuit Court', '--cameras', camera,
      '--collection', 'porch-watch', '--case', 'COMPAT-1', '--purpose', 'investigation', '--expires', expires, '--json'));
    const created = await send(faceSearch('porch-faces', 'porch-watch'));
    assert.equal(created.StreamProcessorArn, 'arn:aws:rekognition:us-east-1:000000000000:streamprocessor/porch-faces');
    await assert.rejects(send(faceSearch('porch-faces', 'porch-watch')), { name: 'ResourceInUseException' });
    const described = await send(new R.DescribeStreamProcessorCommand({ Name: 'porch-faces' }));
    assert.equal(described.Status, 'STOPPED');
    assert.deepEqual(described.Settings.FaceSearch, { CollectionId: 'porch-watch', FaceMatchThreshold: 90 });
    assert.equal(described.Input.KinesisVideoStream.Arn, input.KinesisVideoStream.Arn);
    assert.ok(described.CreationTimestamp instanceof Date);
    const listed = await send(new R.ListStreamProcessorsCommand({ MaxResults: 10 }));
    assert.deepEqual(listed.StreamProcessors, [{ Name: 'porch-faces', Status: 'STOPPED' }]);

    await assert.rejects(send(new R.StartStreamProcessorCommand({ Name: 'porch-faces', StopSelector: { MaxDurationInSeconds: 10 } })), { name: 'InvalidParameterException' });
    const started = await send(new R.StartStreamProcessorCommand({ Name: 'porch-faces' }));
    assert.match(started.SessionId, UUID);
    await status('porch-faces', ['RUNNING']);
    await assert.rejects(send(new R.StartStreamProcessorCommand({ Name: 'porch-faces' })), { name: 'ResourceInUseException' });
    await assert.rejects(send(new R.DeleteStreamProcessorCommand({ Name: 'porch-faces' })), { name: 'ResourceInUseException' });
    await assert.rejects(send(new R.UpdateStreamProcessorCommand({ Name: 'porch-faces', DataSharingPreferenceForUpdate: { OptIn: false } })),
      { name: 'ResourceInUseException' });
    await send(new R.StopStreamProcessorCommand({ Name: 'porch-faces' }));
    await status('porch-faces', ['STOPPED']);
    await assert.rejects(send(new R.UpdateStreamProcessorCommand({ Name: 'porch-faces', SettingsForUpdate: { ConnectedHomeForUpdate: { MinConfidence: 60 } } })),
      { name: 'InvalidParameterException' });

    // Revoking the authorization stops a running FaceSearch processor by itself, and it cannot start again.
    await send(new R.StartStreamProcessorCommand({ Name: 'porch-faces' }));
    await status('porch-faces', ['RUNNING']);
    await server.sightline('authorizations', 'revoke', auth.id, '--reason', 'order withdrawn');
    const stopped = await status('porch-faces', ['STOPPED']);
    assert.match(stopped.StatusMessage, /authorization/);
    await assert.rejects(send(new R.StartStreamProcessorCommand({ Name: 'porch-faces' })), { name: 'AccessDeniedException' });

    await send(new R.DeleteStreamProcessorCommand({ Name: 'porch-faces' }));
    await assert.rejects(send(new R.DescribeStreamProcessorCommand({ Name: 'porch-faces' })), { name: 'ResourceNotFoundException' });
  });

  it('ConnectedHome: PERSON events of the camera land in the S3 destination, Update changes settings, StopSelector stops it', { timeout: 180_000 }, async () => {
    const home = {
      Name: 'porch-home', Input: input, RoleArn: role,
      Output: { S3Destination: { Bucket: 'results', KeyPrefix: 'home' } },
      NotificationChannel: { SNSTopicArn: 'arn:aws:sns:us-east-1:000000000000:porch-alerts' },
      Settings: { ConnectedHome: { Labels: ['PERSON', 'PET'], MinConfidence: 50 } },
      RegionsOfInterest: [{ BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 1 } }],
    };
    await assert.rejects(send(new R.CreateStreamProcessorCommand({ ...home, Settings: { ConnectedHome: { Labels: ['CAR'] } } })), { name: 'InvalidParameterException' });
    await assert.rejects(send(new R.CreateStreamProcessorCommand({ ...home, Output: { S3Destination: { Bucket: 'nowhere' } } })), { name: 'InvalidParameterException' });
    await assert.rejects(send(new R.CreateStreamProcessorCommand({ ...home, Input: { KinesisVideoStream: { Arn: 'arn:aws:kinesisvideo:us-east-1:0:stream/attic/1' } } })),
      { name: 'InvalidParameterException' });
    await assert.rejects(send(new R.CreateStreamProcessorCommand(home), server.client('operator')), { name: 'AccessDeniedException' });
    await send(new R.CreateStreamProcessorCommand(home));
    await send(new R.UpdateStreamProcessorCommand({ Name: 'porch-home', SettingsForUpdate: { ConnectedHomeForUpdate: { Labels: ['PERSON'], MinConfidence: 40 } },
      ParametersToDelete: ['RegionsOfInterest'] }));
    const updated = await send(new R.DescribeStreamProcessorCommand({ Name: 'porch-home' }));
    assert.deepEqual(updated.Settings.ConnectedHome, { Labels: ['PERSON'], MinConfidence: 40 });
    assert.equal(updated.RegionsOfInterest, undefined);

    await send(new R.StartStreamProcessorCommand({ Name: 'porch-home', StopSelector: { MaxDurationInSeconds: 30 } }));
    await status('porch-home', ['RUNNING']);
    const stopped = await status('porch-home', ['STOPPED'], 90);
    assert.match(stopped.StatusMessage, /MaxDurationInSeconds/);
    const { readdir, readFile: read } = await import('node:fs/promises');
    const files = await readdir(`${server.resultsDir}/home/porch-home`, { recursive: true });
    const results = files.filter((f) => f.endsWith('.json'));
    assert.ok(results.length >= 1, `no results in the bucket: ${files.join(', ')}`);
    const result = JSON.parse(await read(`${server.resultsDir}/home/porch-home/${results[0]}`, 'utf8'));
    assert.equal(result.Labels[0].Name, 'PERSON');
    assert.ok(result.Labels[0].Confidence >= 40);
    await send(new R.DeleteStreamProcessorCommand({ Name: 'porch-home' }));
  });
});

describe('faces in a collection', () => {
  const CollectionId = 'compat-faces';
  let sample1; // IndexFaces of sample1: every face
  let sample1Largest;

  before(async () => {
    await createCollection(CollectionId);
  }, SLOW);

  it('IndexFaces stores every face with ExternalImageId, QualityFilter NONE and DetectionAttributes ALL', SLOW, async () => {
    const detected = await detect(1);
    sample1 = await index(CollectionId, 1, { ExternalImageId: 'sample1.jpg', MaxFaces: 100, QualityFilter: 'NONE', DetectionAttributes: ['ALL'] });
    assert.equal(sample1.FaceRecords.length, detected.length, 'one record per detected face');
    assert.deepEqual(sample1.UnindexedFaces, []);
    assert.ok(sample1.FaceModelVersion.length > 0);
    const imageIds = new Set(sample1.FaceRecords.map((r) => r.Face.ImageId));
    assert.equal(imageIds.size, 1, 'the faces of one image share its ImageId');
    assert.equal(new Set(sample1.FaceRecords.map((r) => r.Face.FaceId)).size, detected.length);
    for (const { Face, FaceDetail } of sample1.FaceRecords) {
      assert.match(Face.FaceId, UUID);
      assert.match(Face.ImageId, UUID);
      assert.equal(Face.ExternalImageId, 'sample1.jpg');
      assertBoxClose(Face.BoundingBox, FaceDetail.BoundingBox, 1e-6);
      assert.ok(FaceDetail.AgeRange && FaceDetail.Gender && FaceDetail.Emotions, 'DetectionAttributes ALL');
    }
    sample1Largest = largest(sample1.FaceRecords, (r) => r.Face.BoundingBox).Face;
  });

  it('IndexFaces with MaxFaces 1 and QualityFilter AUTO indexes one face and reports the rest as UnindexedFaces', SLOW, async () => {
    const detected = await detect(2);
    const res = await index(CollectionId, 2, { MaxFaces: 1, QualityFilter: 'AUTO', DetectionAttributes: ['DEFAULT'] });
    assert.equal(res.FaceRecords.length, 1);
    assert.equal(res.FaceRecords.length + res.UnindexedFaces.length, detected.length);
    assert.ok(res.UnindexedFaces.some((u) => u.Reasons.includes('EXCEEDS_MAX_FACES')), JSON.stringify(res.UnindexedFaces.map((u) => u.Reasons)));
    for (const unindexed of res.UnindexedFaces) {
      assert.ok(unindexed.Reasons.length > 0);
      for (const reason of unindexed.Reasons) assert.ok(Object.values(R.Reason).includes(reason), reason);
      assertBox(unindexed.FaceDetail.BoundingBox);
    }
    assert.equal(res.FaceRecords[0].FaceDetail.AgeRange, undefined, 'DetectionAttributes DEFAULT');
  });

  it('DescribeCollection FaceCount equals the faces indexed', SLOW, async () => {
    const sample3 = await index(CollectionId, 3, { ExternalImageId: 'sample3.jpg' });
    assert.ok(sample3.FaceRecords.length > 0);
    const listed = await listAllFaces(CollectionId);
    const res = await send(new R.DescribeCollectionCommand({ CollectionId }));
    assert.equal(res.FaceCount, sample1.FaceRecords.length + 1 + sample3.FaceRecords.length);
    assert.equal(res.FaceCount, listed.length);
  });

  it('ListFaces pages with MaxResults and NextToken and filters by FaceIds', SLOW, async () => {
    const all = await listAllFaces(CollectionId);
    const first = await send(new R.ListFacesCommand({ CollectionId, MaxResults: 2 }));
    assert.equal(first.Faces.length, 2);
    assert.ok(first.NextToken, 'a first page of 2 has a NextToken');
    assert.ok(first.FaceModelVersion.length > 0);
    const paged = await listAllFaces(CollectionId, {}, 2);
    assert.deepEqual(paged.map((f) => f.FaceId).sort(), all.map((f) => f.FaceId).sort());
    for (const { FaceId } of sample1.FaceRecords.map((r) => r.Face)) {
      const face = all.find((f) => f.FaceId === FaceId);
      assert.ok(face, `${FaceId} listed`);
      assert.equal(face.ExternalImageId, 'sample1.jpg');
      assert.ok(face.Confidence > 50);
    }
    const wanted = sample1.FaceRecords.slice(0, 2).map((r) => r.Face.FaceId);
    const filtered = await send(new R.ListFacesCommand({ CollectionId, FaceIds: wanted }));
    assert.deepEqual(filtered.Faces.map((f) => f.FaceId).sort(), [...wanted].sort());
  });

  it('SearchFacesByImage with the indexed photo finds its largest face (Similarity > 99)', SLOW, async () => {
    const res = await send(new R.SearchFacesByImageCommand({ CollectionId, Image: image(photos[1]), FaceMatchThreshold: 99, MaxFaces: 1 }));
    assertBoxClose(res.SearchedFaceBoundingBox, sample1Largest.BoundingBox);
    assert.ok(res.SearchedFaceConfidence > 90);
    assert.equal(res.FaceMatches.length, 1);
    assert.equal(res.FaceMatches[0].Face.FaceId, sample1Largest.FaceId);
    assert.equal(res.FaceMatches[0].Face.ExternalImageId, 'sample1.jpg');
    assert.ok(res.FaceMatches[0].Similarity > 99, `Similarity ${res.FaceMatches[0].Similarity}`);
    assert.ok(res.FaceModelVersion.length > 0);
  });

  it('SearchFacesByImage finds the same person from another photo, best match first', SLOW, async () => {
    const res = await send(new R.SearchFacesByImageCommand({ CollectionId, Image: image(photos[3]), FaceMatchThreshold: 80, MaxFaces: 10 }));
    const similarities = res.FaceMatches.map((m) => m.Similarity);
    assert.deepEqual(similarities, [...similarities].sort((a, b) => b - a), 'sorted by Similarity');
    assert.ok(similarities.every((s) => s >= 80));
    assert.ok(res.FaceMatches.some((m) => m.Face.FaceId === sample1Largest.FaceId && m.Similarity >= 90), JSON.stringify(res.FaceMatches));
  });

  it('SearchFaces by FaceId finds the same person elsewhere in the collection and never the face itself', SLOW, async () => {
    const res = await send(new R.SearchFacesCommand({ CollectionId, FaceId: sample1Largest.FaceId, FaceMatchThreshold: 90, MaxFaces: 5 }));
    assert.equal(res.SearchedFaceId, sample1Largest.FaceId);
    assert.ok(res.FaceMatches.every((m) => m.Face.FaceId !== sample1Largest.FaceId));
    assert.ok(res.FaceMatches.some((m) => m.Face.ExternalImageId === 'sample3.jpg' && m.Similarity >= 90), JSON.stringify(res.FaceMatches));
  });

  it('DeleteFaces removes the faces and FaceCount follows', SLOW, async () => {
    const before = (await send(new R.DescribeCollectionCommand({ CollectionId }))).FaceCount;
    const victim = sample1.FaceRecords.find((r) => r.Face.FaceId !== sample1Largest.FaceId).Face.FaceId;
    const res = await send(new R.DeleteFacesCommand({ CollectionId, FaceIds: [victim] }));
    assert.deepEqual(res.DeletedFaces, [victim]);
    assert.equal((await send(new R.DescribeCollectionCommand({ CollectionId }))).FaceCount, before - 1);
    assert.ok(!(await listAllFaces(CollectionId)).some((f) => f.FaceId === victim));
  });

  it('DeleteFaces reports an unknown face in UnsuccessfulFaceDeletions (FACE_NOT_FOUND)', SLOW, async () => {
    const missing = '11111111-1111-4111-8111-111111111111';
    const res = await send(new R.DeleteFacesCommand({ CollectionId, FaceIds: [missing] }));
    assert.deepEqual(res.DeletedFaces, []);
    assert.deepEqual(res.UnsuccessfulFaceDeletions?.map((u) => [u.FaceId, u.Reasons]), [[missing, ['FACE_NOT_FOUND']]], 'UnsuccessfulFaceDeletions');
  });
});

describe('users in a collection', () => {
  // The tests run in order and build on one another: alice holds the largest face of sample1 (indexed twice),
  // bob one face of sample5; a third copy of sample1's face stays unassigned as a search probe.
  const CollectionId = 'compat-users';
  const face = {};

  before(async () => {
    await createCollection(CollectionId);
    const first = async (n, ExternalImageId) => largest((await index(CollectionId, n, { ExternalImageId })).FaceRecords, (r) => r.Face.BoundingBox).Face.FaceId;
    face.alice1 = await first(1, 'alice-1');
    face.alice2 = await first(1, 'alice-2');
    face.probe = await first(1, 'probe');
    const sample5 = (await index(CollectionId, 5, { ExternalImageId: 'sample5' })).FaceRecords.map((r) => r.Face.FaceId);
    [face.bob, face.stranger] = sample5;
  }, SLOW);

  const listUsers = async (MaxResults) => {
    const users = [];
    for await (const page of R.paginateListUsers({ client: admin, pageSize: MaxResults }, { CollectionId })) users.push(...page.Users);
    return users;
  };

  it('CreateUser, then ListUsers pages with MaxResults and NextToken (UserStatus CREATED)', SLOW, async () => {
    for (const UserId of ['alice', 'bob']) await send(new R.CreateUserCommand({ CollectionId, UserId }));
    const first = await send(new R.ListUsersCommand({ CollectionId, MaxResults: 1 }));
    assert.equal(first.Users.length, 1);
    assert.ok(first.NextToken);
    const users = await listUsers(1);
    assert.deepEqual(users.map((u) => u.UserId).sort(), ['alice', 'bob']);
    assert.ok(users.every((u) => u.UserStatus === 'CREATED'));
    assert.equal((await send(new R.DescribeCollectionCommand({ CollectionId }))).UserCount, 2);
  });

  it('AssociateFaces accepts faces of the same person and refuses a stranger (LOW_MATCH_CONFIDENCE)', SLOW, async () => {
    const res = await send(new R.AssociateFacesCommand({ CollectionId, UserId: 'alice', FaceIds: [face.alice1, face.alice2] }));
    assert.deepEqual(res.AssociatedFaces.map((f) => f.FaceId).sort(), [face.alice1, face.alice2].sort());
    assert.deepEqual(res.UnsuccessfulFaceAssociations, []);
    assert.equal(res.UserStatus, 'ACTIVE');

    const bob = await send(new R.AssociateFacesCommand({ CollectionId, UserId: 'bob', FaceIds: [face.bob] }));
    assert.deepEqual(bob.AssociatedFaces.map((f) => f.FaceId), [face.bob]);

    const refused = await send(new R.AssociateFacesCommand({ CollectionId, UserId: 'alice', FaceIds: [face.stranger, face.bob] }));
    assert.deepEqual(refused.AssociatedFaces, []);
    const reasons = Object.fromEntries(refused.UnsuccessfulFaceAssociations.map((u) => [u.FaceId, u.Reasons]));
    assert.deepEqual(reasons[face.stranger], ['LOW_MATCH_CONFIDENCE']);
    assert.deepEqual(reasons[face.bob], ['ASSOCIATED_TO_A_DIFFERENT_USER']);
    assert.ok((await listUsers(100)).every((u) => u.UserStatus === 'ACTIVE'));
  });

  it('ListFaces with UserId lists only that user\'s faces, each carrying the UserId', SLOW, async () => {
    const faces = await listAllFaces(CollectionId, { UserId: 'alice' });
    assert.deepEqual(faces.map((f) => f.FaceId).sort(), [face.alice1, face.alice2].sort(), `ListFaces UserId=alice listed ${faces.length} faces`);
    assert.ok(faces.every((f) => f.UserId === 'alice'));
  });

  it('SearchUsers by FaceId finds the user of that person (Similarity > 99); by UserId names the user searched', SLOW, async () => {
    const byFace = await send(new R.SearchUsersCommand({ CollectionId, FaceId: face.probe, UserMatchThreshold: 90, MaxUsers: 5 }));
    assert.equal(byFace.SearchedFace.FaceId, face.probe);
    assert.equal(byFace.UserMatches[0].User.UserId, 'alice');
    assert.equal(byFace.UserMatches[0].User.UserStatus, 'ACTIVE');
    assert.ok(byFace.UserMatches[0].Similarity > 99);
    assert.ok(!byFace.UserMatches.some((m) => m.User.UserId === 'bob'));
    assert.ok(byFace.FaceModelVersion.length > 0);

    const byUser = await send(new R.SearchUsersCommand({ CollectionId, UserId: 'bob' }));
    assert.equal(byUser.SearchedUser.UserId, 'bob');
    assert.ok(!byUser.UserMatches.some((m) => m.User.UserId === 'alice'), 'alice does not look like bob');
  });

  it('SearchUsersByImage finds the user from the photo and from another photo of the same person', SLOW, async () => {
    const same = await send(new R.SearchUsersByImageCommand({ CollectionId, Image: image(photos[1]), UserMatchThreshold: 80, MaxUsers: 3 }));
    assert.equal(same.UserMatches[0].User.UserId, 'alice');
    assert.ok(same.UserMatches[0].Similarity > 99);
    assertBox(same.SearchedFace.FaceDetail.BoundingBox);
    assert.ok(!same.UserMatches.some((m) => m.User.UserId === 'bob'));

    const other = await send(new R.SearchUsersByImageCommand({ CollectionId, Image: image(photos[3]) }));
    assert.equal(other.UserMatches[0]?.User.UserId, 'alice', JSON.stringify(other.UserMatches));
    assert.ok(other.UserMatches[0].Similarity >= 90);
  });

  it('DisassociateFaces releases a face and reports one of another user', SLOW, async () => {
    const res = await send(new R.DisassociateFacesCommand({ CollectionId, UserId: 'alice', FaceIds: [face.alice2, face.bob] }));
    assert.deepEqual(res.DisassociatedFaces.map((f) => f.FaceId), [face.alice2]);
    assert.deepEqual(res.UnsuccessfulFaceDisassociations.map((u) => [u.FaceId, u.UserId, u.Reasons]), [[face.bob, 'bob', ['ASSOCIATED_TO_A_DIFFERENT_USER']]]);
    assert.equal(res.UserStatus, 'ACTIVE', 'alice keeps one face');
    const [released] = (await send(new R.ListFacesCommand({ CollectionId, FaceIds: [face.alice2] }))).Faces;
    assert.equal(released.UserId, undefined);
  });

  it('DisassociateFaces ignores a face that is not associated (listed neither as disassociated nor as unsuccessful)', SLOW, async () => {
    const res = await send(new R.DisassociateFacesCommand({ CollectionId, UserId: 'alice', FaceIds: [face.alice2] }));
    assert.deepEqual(res.DisassociatedFaces, []);
    assert.deepEqual(res.UnsuccessfulFaceDisassociations, [], JSON.stringify(res.UnsuccessfulFaceDisassociations));
  });

  it('CreateUser of an existing user is ConflictException', SLOW, async () => {
    await assertError(send(new R.CreateUserCommand({ CollectionId, UserId: 'alice' })), 'ConflictException', 400);
  });

  it('CreateUser repeated with the same ClientRequestToken returns the same response (SDK retries rely on it)', SLOW, async () => {
    const request = { CollectionId, UserId: 'carol', ClientRequestToken: 'compat-create-carol-1' };
    await send(new R.CreateUserCommand(request));
    const again = await send(new R.CreateUserCommand(request))
      .catch((err) => assert.fail(`a repeated ClientRequestToken was answered with ${err.name}: ${err.message}`));
    assert.equal(again.$metadata.httpStatusCode, 200);
  });

  it('DeleteFaces refuses a face associated with a user (ASSOCIATED_TO_AN_EXISTING_USER)', SLOW, async () => {
    const res = await send(new R.DeleteFacesCommand({ CollectionId, FaceIds: [face.bob] }));
    assert.deepEqual(res.DeletedFaces, [], 'a face of a user is not deleted');
    assert.deepEqual(res.UnsuccessfulFaceDeletions?.map((u) => [u.FaceId, u.UserId, u.Reasons]), [[face.bob, 'bob', ['ASSOCIATED_TO_AN_EXISTING_USER']]], 'UnsuccessfulFaceDeletions');
  });

  it('DeleteUser removes the user; deleting or associating to it again is ResourceNotFoundException', SLOW, async () => {
    await send(new R.DeleteUserCommand({ CollectionId, UserId: 'bob' }));
    assert.ok(!(await listUsers(100)).some((u) => u.UserId === 'bob'));
    await assertError(send(new R.DeleteUserCommand({ CollectionId, UserId: 'bob' })), 'ResourceNotFoundException', 400);
    await assertError(send(new R.AssociateFacesCommand({ CollectionId, UserId: 'bob', FaceIds: [face.stranger] })), 'ResourceNotFoundException', 400);
  });
});

describe('image errors', () => {
  it('random bytes are InvalidImageFormatException', SLOW, async () => {
    await assertError(send(new R.DetectFacesCommand({ Image: image(randomBytes(4096)) })), 'InvalidImageFormatException', 400);
    await assertStillServing();
  });

  it('a truncated JPEG is InvalidImageFormatException', SLOW, async () => {
    const truncated = photos[1].subarray(0, Math.floor(photos[1].length / 2));
    await assertError(send(new R.DetectFacesCommand({ Image: image(truncated) })), 'InvalidImageFormatException', 400);
  });

  it('image bytes over 5 MiB are ImageTooLargeException', SLOW, async () => {
    const big = randomBytes(5 * MIB + 1);
    await assertError(send(new R.DetectFacesCommand({ Image: image(big) })), 'ImageTooLargeException', 400);
    await assertError(send(new R.CompareFacesCommand({ SourceImage: image(photos[1]), TargetImage: image(big) })), 'ImageTooLargeException', 400);
    await assertStillServing();
  });

  it('a request body over 16 MiB is ImageTooLargeException', SLOW, async () => {
    const bytes = randomBytes(13 * MIB); // 17.3 MiB once base64-encoded in the JSON body
    await assertError(send(new R.DetectFacesCommand({ Image: image(bytes) })), 'ImageTooLargeException', 400);
    await assertStillServing();
  });

  it('an image under 80 px is InvalidParameterException', SLOW, async () => {
    await assertError(send(new R.DetectFacesCommand({ Image: image(blankBmp(40, 40)) })), 'InvalidParameterException', 400);
  });

  it('a search probe without a face is InvalidParameterException', SLOW, async () => {
    await createCollection('compat-no-face');
    const probe = image(blankBmp(200, 200));
    await assertError(send(new R.SearchFacesByImageCommand({ CollectionId: 'compat-no-face', Image: probe })), 'InvalidParameterException', 400);
    await assertError(send(new R.SearchUsersByImageCommand({ CollectionId: 'compat-no-face', Image: probe })), 'InvalidParameterException', 400);
  });

  it('an S3Object image is read from a configured local bucket', SLOW, async () => {
    const fromBucket = await send(new R.DetectFacesCommand({ Image: { S3Object: { Bucket: 'fixtures', Name: 'sample1.jpg' } } }));
    const inline = await send(new R.DetectFacesCommand({ Image: image(await sample('sample1')) }));
    assert.equal(fromBucket.FaceDetails.length, inline.FaceDetails.length);
    assert.ok(fromBucket.FaceDetails.length > 0);
  });

  it('an S3Object in a bucket that is not local is fetched from the S3-compatible endpoint, signed', SLOW, async () => {
    const remote = await send(new R.DetectFacesCommand({ Image: { S3Object: { Bucket: 'remote', Name: 'photos/sample1.jpg' } } }));
    assert.equal(remote.FaceDetails.length, 3);
    const fetched = server.s3.requests.filter((r) => r.bucket === 'remote' && r.key === 'photos/sample1.jpg');
    assert.ok(fetched.length >= 1 && fetched.every((r) => r.authorization.startsWith('AWS4-HMAC-SHA256 Credential=S3KEYEXAMPLE/')));
    await assertError(send(new R.DetectFacesCommand({ Image: { S3Object: { Bucket: 'remote', Name: 'photos/missing.jpg' } } })), 'InvalidS3ObjectException', 400);
  });

  it('an S3Object outside a configured bucket is InvalidS3ObjectException', SLOW, async () => {
    for (const S3Object of [
      { Bucket: 'nobucket', Name: 'sample1.jpg' },
      { Bucket: 'fixtures', Name: 'missing.jpg' },
      { Bucket: 'fixtures', Name: '../fr_age.onnx' },
      { Bucket: 'fixtures', Name: '/etc/passwd' },
    ]) {
      await assertError(send(new R.DetectFacesCommand({ Image: { S3Object } })), 'InvalidS3ObjectException', 400);
    }
    const both = { Bytes: await sample('sample1'), S3Object: { Bucket: 'fixtures', Name: 'sample1.jpg' } };
    await assertError(send(new R.DetectFacesCommand({ Image: both })), 'InvalidParameterException', 400);
  });
});

describe('parameter errors', () => {
  before(async () => {
    await createCollection('compat-params');
  }, SLOW);

  it('an invalid collection id is InvalidParameterException', SLOW, async () => {
    await assertError(send(new R.CreateCollectionCommand({ CollectionId: 'bad id!' })), 'InvalidParameterException', 400);
    await assertError(send(new R.DescribeCollectionCommand({ CollectionId: 'x'.repeat(256) })), 'InvalidParameterException', 400);
  });

  it('a missing required field is InvalidParameterException', SLOW, async () => {
    await assertError(send(new R.DescribeCollectionCommand({})), 'InvalidParameterException', 400);
    await assertError(send(new R.DetectFacesCommand({})), 'InvalidParameterException', 400);
    await assertError(send(new R.SearchFacesCommand({ CollectionId: 'compat-params' })), 'InvalidParameterException', 400);
  });

  it('MaxResults, MaxFaces, MaxUsers and thresholds out of range are InvalidParameterException', SLOW, async () => {
    const CollectionId = 'compat-params';
    const Image = image(photos[1]);
    const commands = [
      new R.ListCollectionsCommand({ MaxResults: 4097 }),
      new R.ListFacesCommand({ CollectionId, MaxResults: 4097 }),
      new R.ListUsersCommand({ CollectionId, MaxResults: 0 }),
      new R.ListUsersCommand({ CollectionId, MaxResults: 501 }),
      new R.IndexFacesCommand({ CollectionId, Image, MaxFaces: 0 }),
      new R.SearchFacesByImageCommand({ CollectionId, Image, MaxFaces: 0 }),
      new R.SearchFacesByImageCommand({ CollectionId, Image, FaceMatchThreshold: 101 }),
      new R.SearchUsersByImageCommand({ CollectionId, Image, MaxUsers: 0 }),
      new R.CompareFacesCommand({ SourceImage: Image, TargetImage: Image, SimilarityThreshold: -1 }),
    ];
    for (const command of commands) await assertError(send(command), 'InvalidParameterException', 400);
  });

  it('MaxResults 0 is in range for ListCollections and ListFaces (Rekognition\'s PageSize is 0–4096)', SLOW, async () => {
    assert.ok(Array.isArray((await send(new R.ListCollectionsCommand({ MaxResults: 0 }))).CollectionIds));
    assert.ok(Array.isArray((await send(new R.ListFacesCommand({ CollectionId: 'compat-params', MaxResults: 0 }))).Faces));
  });

  it('an unknown attribute or quality filter is InvalidParameterException', SLOW, async () => {
    await assertError(send(new R.DetectFacesCommand({ Image: image(photos[1]), Attributes: ['NOT_AN_ATTRIBUTE'] })), 'InvalidParameterException', 400);
    const command = new R.IndexFacesCommand({ CollectionId: 'compat-params', Image: image(photos[1]), QualityFilter: 'EXTREME' });
    await assertError(send(command), 'InvalidParameterException', 400);
  });
});

describe('authentication and roles', () => {
  const CollectionId = 'compat-roles';
  const listCollections = (client) => client.send(new R.ListCollectionsCommand({}));

  before(async () => {
    await createCollection(CollectionId);
  }, SLOW);

  it('a wrong secret is InvalidSignatureException (400)', SLOW, async () => {
    const { accessKeyId } = server.keys.admin;
    const client = server.client({ accessKeyId, secretAccessKey: randomBytes(30).toString('base64url') });
    await assertError(listCollections(client), 'InvalidSignatureException', 400);
  });

  it('an access key Sightline never issued is UnrecognizedClientException (400)', SLOW, async () => {
    const client = server.client({ accessKeyId: 'SLAAAAAAAAAAAAAAAAAA', secretAccessKey: randomBytes(30).toString('base64url') });
    await assertError(listCollections(client), 'UnrecognizedClientException', 400);
  });

  it('a revoked key works until revoked, then is UnrecognizedClientException (400)', SLOW, async () => {
    const key = await server.createKey('analyst');
    const client = server.client(key);
    assert.ok(Array.isArray((await listCollections(client)).CollectionIds));
    await server.revokeKey(key.accessKeyId);
    await assertError(listCollections(client), 'UnrecognizedClientException', 400);
  });

  it('a signature outside the 5-minute window is InvalidSignatureException (400)', SLOW, async () => {
    for (const minutes of [-10, 10]) {
      const client = server.client('admin', { systemClockOffset: minutes * 60_000, maxAttempts: 1 });
      await assertError(listCollections(client), 'InvalidSignatureException', 400);
    }
  });

  it('a client with a skewed clock recovers by its own clock correction (server Date header) on retry', SLOW, async () => {
    const client = server.client('admin', { systemClockOffset: -10 * 60_000 });
    const res = await listCollections(client);
    assert.equal(res.$metadata.attempts, 2);
    assert.ok(Math.abs(client.config.systemClockOffset) < 60_000);
  });

  it('an unsigned request is MissingAuthenticationTokenException (403)', SLOW, async () => {
    const res = await server.post({
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.ListCollections' },
      body: '{}',
    });
    assertRawError(res, 'MissingAuthenticationTokenException', 403);
  });

  it('roles may call what they are for', SLOW, async () => {
    const operator = server.client('operator');
    const analyst = server.client('analyst');
    const auditor = server.client('auditor');
    const indexed = await operator.send(new R.IndexFacesCommand({ CollectionId, Image: image(photos[1]), ExternalImageId: 'by-operator' }));
    assert.ok(indexed.FaceRecords.length > 0);
    const found = await analyst.send(new R.SearchFacesByImageCommand({ CollectionId, Image: image(photos[1]), FaceMatchThreshold: 99 }));
    assert.equal(found.FaceMatches[0].Face.ExternalImageId, 'by-operator');
    assert.ok((await analyst.send(new R.DetectFacesCommand({ Image: image(photos[1]) }))).FaceDetails.length >= indexed.FaceRecords.length);
    assert.equal((await auditor.send(new R.DescribeCollectionCommand({ CollectionId }))).FaceCount, indexed.FaceRecords.length);
    assert.ok((await listCollections(auditor)).CollectionIds.includes(CollectionId));
  });

  it('roles may not call what they are not for: AccessDeniedException (400)', SLOW, async () => {
    const analyst = server.client('analyst');
    const denied = [
      [analyst, new R.IndexFacesCommand({ CollectionId, Image: image(photos[1]) })],
      [analyst, new R.CreateCollectionCommand({ CollectionId: 'compat-by-analyst' })],
      [analyst, new R.DeleteCollectionCommand({ CollectionId })],
      [server.client('auditor'), new R.DetectFacesCommand({ Image: image(photos[1]) })],
      [server.client('auditor'), new R.SearchFacesByImageCommand({ CollectionId, Image: image(photos[1]) })],
      [server.client('operator'), new R.SearchFacesByImageCommand({ CollectionId, Image: image(photos[1]) })],
      [server.client('operator'), new R.SearchUsersByImageCommand({ CollectionId, Image: image(photos[1]) })],
    ];
    for (const [client, command] of denied) await assertError(client.send(command), 'AccessDeniedException', 400);
    const collections = (await send(new R.ListCollectionsCommand({}))).CollectionIds;
    assert.ok(collections.includes(CollectionId) && !collections.includes('compat-by-analyst'), 'denied calls changed nothing');
  });
});

describe('AWS JSON 1.1 protocol (raw signed requests)', () => {
  const target = (operation) => `RekognitionService.${operation}`;

  it('a raw request signed like the SDK\'s is served', SLOW, async () => {
    const res = await server.post(await server.signed(target('ListCollections'), {}));
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type'), /^application\/x-amz-json-1\.1/);
    assert.ok(Array.isArray(res.json.CollectionIds));
  });

  it('an unknown operation is UnknownOperationException (400)', SLOW, async () => {
    assertRawError(await server.post(await server.signed(target('NoSuchOperation'), {})), 'UnknownOperationException', 400);
    await assertStillServing();
  });

  it('a target without the RekognitionService. prefix is UnknownOperationException (400)', SLOW, async () => {
    assertRawError(await server.post(await server.signed('DetectFaces', {})), 'UnknownOperationException', 400);
    assertRawError(await server.post(await server.signed('OtherService.ListCollections', {})), 'UnknownOperationException', 400);
    await assertStillServing();
  });

  it('a body that is not JSON is SerializationException (400)', SLOW, async () => {
    assertRawError(await server.post(await server.signed(target('ListCollections'), '{"MaxResults": ')), 'SerializationException', 400);
    assertRawError(await server.post(await server.signed(target('ListCollections'), 'not json')), 'SerializationException', 400);
    assertRawError(await server.post(await server.signed(target('ListCollections'), '')), 'SerializationException', 400);
    assertRawError(await server.post(await server.signed(target('ListCollections'), '{"X":' + '['.repeat(100) + ']'.repeat(100) + '}')), 'SerializationException', 400);
    await assertStillServing();
  });

  it('a JSON value of the wrong type is SerializationException (400) naming the field, as AWS answers it', SLOW, async () => {
    const wrong = await server.post(await server.signed(target('DescribeCollection'), { CollectionId: 5 }));
    assertRawError(wrong, 'SerializationException', 400);
    assert.match(wrong.json.message, /\$\.CollectionId/);
    assertRawError(await server.post(await server.signed(target('ListCollections'), { MaxResults: 'ten' })), 'SerializationException', 400);
    assertRawError(await server.post(await server.signed(target('ListCollections'), '[]')), 'SerializationException', 400);
    const threshold = await server.post(await server.signed(target('SearchFacesByImage'), { CollectionId: 'c', FaceMatchThreshold: 'ninety-nine' }));
    assertRawError(threshold, 'SerializationException', 400);
    assert.match(threshold.json.message, /\$\.FaceMatchThreshold/);
    // The SDK models no SerializationException class: it raises a RekognitionServiceException of that name.
    await assertError(send(new R.DescribeCollectionCommand({ CollectionId: 5 })), 'SerializationException', 400);
    await assertStillServing();
  });

  it('Image.Bytes that is not base64 is SerializationException (400)', SLOW, async () => {
    const res = await server.post(await server.signed(target('DetectFaces'), { Image: { Bytes: '***not base64***' } }));
    assertRawError(res, 'SerializationException', 400);
    assert.match(res.json.message, /\$\.Image\.Bytes/);
    await assertStillServing();
  });

  // SigV4 has no nonce: AWS serves a resent request inside the clock-skew window and refuses it after. Sightline
  // does the same (clients that sign without a unique header legitimately send identical requests in one second).
  it('the same signed request sent twice inside the 5-minute window is served both times, as at AWS', SLOW, async () => {
    const request = await server.signed(target('ListCollections'), {});
    assert.equal((await server.post(request)).status, 200);
    assert.equal((await server.post(request)).status, 200);
  });

  it('a captured request replayed after the 5-minute window is InvalidSignatureException (400)', SLOW, async () => {
    const request = await server.signed(target('ListCollections'), {}, { signingDate: new Date(Date.now() - 6 * 60_000) });
    assertRawError(await server.post(request), 'InvalidSignatureException', 400);
    await assertStillServing();
  });

  it('a body changed after signing is InvalidSignatureException (400)', SLOW, async () => {
    const request = await server.signed(target('ListCollections'), { MaxResults: 1 });
    assertRawError(await server.post({ ...request, body: '{"MaxResults":2}' }), 'InvalidSignatureException', 400);
    await assertStillServing();
  });
});

it('every operation Sightline serves was driven successfully by the SDK', () => {
  const missing = OPERATIONS.filter((op) => !server?.succeeded.has(op));
  assert.deepEqual(missing, []);
});
