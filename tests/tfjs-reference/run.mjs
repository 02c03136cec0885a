// Runs a TensorFlow.js graph model on the pure-JS CPU backend: the reference the TFJS-to-ONNX converter is checked against.
// usage: node run.mjs MODEL_JSON INPUT.bin OUTPUT_PREFIX
//   INPUT.bin: raw little-endian float32 in the model input's shape (batch 1 where the model says -1).
//   Writes OUTPUT_PREFIX.N.bin (raw float32, one per output node, in model.outputNodes order) and
//   OUTPUT_PREFIX.json: { input, inputShape, outputs: [{ name, shape, dtype, file }] }.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

const [modelPath, inputPath, prefix] = process.argv.slice(2);
if (!modelPath || !inputPath || !prefix) {
  console.error('usage: node run.mjs MODEL_JSON INPUT.bin OUTPUT_PREFIX');
  process.exit(2);
}
await tf.setBackend('cpu');
const artifacts = JSON.parse(readFileSync(modelPath, 'utf8'));
const specs = [];
const buffers = [];
for (const group of artifacts.weightsManifest) {
  specs.push(...group.weights);
  for (const p of group.paths) buffers.push(readFileSync(join(dirname(modelPath), p)));
}
const all = Buffer.concat(buffers);
const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
const model = await loadGraphModel(tf.io.fromMemory({
  modelTopology: artifacts.modelTopology,
  weightSpecs: specs,
  weightData,
  format: artifacts.format,
  generatedBy: artifacts.generatedBy,
  convertedBy: artifacts.convertedBy,
  signature: artifacts.signature,
  userDefinedMetadata: artifacts.userDefinedMetadata,
}));

const input = model.inputs[0];
const shape = input.shape.map((d) => (d === -1 || d === null ? 1 : d));
const raw = readFileSync(inputPath);
const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
if (data.length !== shape.reduce((a, b) => a * b, 1)) {
  console.error(`input has ${data.length} floats; model input ${input.name} has shape [${shape}]`);
  process.exit(2);
}
const names = model.outputNodes;
let results = await model.executeAsync({ [input.name]: tf.tensor(data, shape, 'float32') }, names);
if (!Array.isArray(results)) results = [results];
const outputs = [];
for (let i = 0; i < results.length; i++) {
  const t = results[i];
  const values = Float32Array.from(await t.data());
  const file = `${prefix}.${i}.bin`;
  writeFileSync(file, Buffer.from(values.buffer));
  outputs.push({ name: names[i], shape: t.shape, dtype: t.dtype, file });
}
writeFileSync(`${prefix}.json`, JSON.stringify({ input: input.name, inputShape: shape, outputs }, null, 1));
