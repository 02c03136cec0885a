// A tiny ONNX detector written by hand (protobuf wire format), for DetectCustomLabels through the SDK:
// input 'images' [1,3,64,64]; output 'output0' is a fixed YOLOv8-style [1,4+C,N] tensor plus 0 × the input's
// sum (so it depends on the input). Field numbers are onnx.proto's.

const varint = (n) => {
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
};
const key = (field, wire) => varint((field << 3) | wire);
const bytes = (field, data) => Buffer.concat([key(field, 2), varint(data.length), data]);
const str = (field, s) => bytes(field, Buffer.from(s, 'utf8'));
const int = (field, n) => Buffer.concat([key(field, 0), varint(n)]);
const msg = (field, ...parts) => bytes(field, Buffer.concat(parts));

const FLOAT = 1;
const tensor = (field, name, dims, values) => {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return msg(field, ...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, raw));
};
const valueInfo = (field, name, dims) =>
  msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, ...dims.map((d) => msg(1, int(1, d)))))));
const node = (op, name, inputs, outputs, ...attributes) =>
  msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, name), str(4, op), ...attributes);
const intAttribute = (name, value) => msg(5, str(1, name), int(3, value), int(20, 2));

/** YOLOv8 layout: rows cx, cy, w, h (input pixels), then one score row per class; columns are boxes. */
export function yoloV8Detector(boxes) {
  const classes = boxes[0].scores.length;
  const values = [];
  for (const row of ['cx', 'cy', 'w', 'h']) for (const b of boxes) values.push(b[row]);
  for (let c = 0; c < classes; c++) for (const b of boxes) values.push(b.scores[c]);
  const dims = [1, 4 + classes, boxes.length];
  const graph = msg(7,
    node('ReduceSum', 'sum', ['images'], ['sum'], intAttribute('keepdims', 0)),
    node('Mul', 'zero_times_sum', ['sum', 'zero'], ['nothing']),
    node('Add', 'fixed', ['output0_value', 'nothing'], ['output0']),
    str(2, 'tiny'),
    tensor(5, 'zero', [], [0]),
    tensor(5, 'output0_value', dims, values),
    valueInfo(11, 'images', [1, 3, 64, 64]),
    valueInfo(12, 'output0', dims));
  return Buffer.concat([int(1, 8), msg(8, str(1, ''), int(2, 13)), str(2, 'sightline-compat'), graph]);
}
