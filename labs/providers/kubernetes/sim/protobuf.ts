/**
 * Reads the protobuf bodies kubectl's typed clients send (`kubectl create serviceaccount`,
 * `create token`, `create clusterrolebinding`, `auth can-i`…: Content-Type
 * `application/vnd.kubernetes.protobuf`, and client-go 1.32 does not fall back to JSON).
 * The envelope is the magic `k8s\0` and a `runtime.Unknown` {typeMeta, raw}; `raw` is the
 * object, decoded here with the field numbers of the Kubernetes API's `generated.proto`
 * for the few kinds this cluster takes. Unknown fields are skipped.
 */
import type { Obj } from './resources.js';

type FieldType = 'string' | 'int' | 'bool' | 'bytes' | 'map' | 'time' | string; // else a message name
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
}
type Schema = Record<number, Field>;

const f = (name: string, type: FieldType, repeated = false): Field => ({ name, type, repeated });

const SCHEMAS: Record<string, Schema> = {
  Unknown: { 1: f('typeMeta', 'TypeMeta'), 2: f('raw', 'bytes'), 3: f('contentEncoding', 'string') },
  TypeMeta: { 1: f('apiVersion', 'string'), 2: f('kind', 'string') },
  ObjectMeta: {
    1: f('name', 'string'),
    2: f('generateName', 'string'),
    3: f('namespace', 'string'),
    5: f('uid', 'string'),
    6: f('resourceVersion', 'string'),
    11: f('labels', 'map'),
    12: f('annotations', 'map'),
  },
  ObjectReference: { 1: f('kind', 'string'), 2: f('namespace', 'string'), 3: f('name', 'string') },
  LocalObjectReference: { 1: f('name', 'string') },
  ServiceAccount: {
    1: f('metadata', 'ObjectMeta'),
    2: f('secrets', 'ObjectReference', true),
    3: f('imagePullSecrets', 'LocalObjectReference', true),
    4: f('automountServiceAccountToken', 'bool'),
  },
  Namespace: { 1: f('metadata', 'ObjectMeta') },
  Subject: { 1: f('kind', 'string'), 2: f('apiGroup', 'string'), 3: f('name', 'string'), 4: f('namespace', 'string') },
  RoleRef: { 1: f('apiGroup', 'string'), 2: f('kind', 'string'), 3: f('name', 'string') },
  ClusterRoleBinding: { 1: f('metadata', 'ObjectMeta'), 2: f('subjects', 'Subject', true), 3: f('roleRef', 'RoleRef') },
  BoundObjectReference: {
    1: f('kind', 'string'),
    2: f('apiVersion', 'string'),
    3: f('name', 'string'),
    4: f('uid', 'string'),
  },
  TokenRequestSpec: {
    1: f('audiences', 'string', true),
    3: f('boundObjectRef', 'BoundObjectReference'),
    4: f('expirationSeconds', 'int'),
  },
  TokenRequest: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'TokenRequestSpec') },
  ResourceAttributes: {
    1: f('namespace', 'string'),
    2: f('verb', 'string'),
    3: f('group', 'string'),
    4: f('version', 'string'),
    5: f('resource', 'string'),
    6: f('subresource', 'string'),
    7: f('name', 'string'),
  },
  NonResourceAttributes: { 1: f('path', 'string'), 2: f('verb', 'string') },
  SelfSubjectAccessReviewSpec: {
    1: f('resourceAttributes', 'ResourceAttributes'),
    2: f('nonResourceAttributes', 'NonResourceAttributes'),
  },
  SelfSubjectAccessReview: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'SelfSubjectAccessReviewSpec') },
  TokenReviewSpec: { 1: f('token', 'string'), 2: f('audiences', 'string', true) },
  TokenReview: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'TokenReviewSpec') },
  SelfSubjectReview: { 1: f('metadata', 'ObjectMeta') },
  Container: {
    1: f('name', 'string'),
    2: f('image', 'string'),
    3: f('command', 'string', true),
    4: f('args', 'string', true),
  },
  PodSpec: {
    2: f('containers', 'Container', true),
    3: f('restartPolicy', 'string'),
    8: f('serviceAccountName', 'string'),
    9: f('serviceAccount', 'string'),
  },
  Pod: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'PodSpec') },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

function decodeMessage(buf: Buffer, schemaName: string): Obj {
  const schema = SCHEMAS[schemaName] ?? {};
  const r = new Reader(buf);
  const out: Obj = {};
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    let raw: bigint | Buffer;
    if (wire === 0) raw = r.varint();
    else if (wire === 2) raw = r.bytes();
    else if (wire === 1 || wire === 5) {
      r.pos += wire === 1 ? 8 : 4;
      continue;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    const field = schema[no];
    if (!field) continue;
    let value: unknown;
    if (field.type === 'int') value = Number(BigInt.asIntN(64, raw as bigint));
    else if (field.type === 'bool') value = raw !== 0n;
    else if (field.type === 'string') {
      value = (raw as Buffer).toString('utf8');
      if (value === '' && !field.repeated) continue; // Go's JSON leaves empty strings out (omitempty)
    } else if (field.type === 'bytes') value = Buffer.from(raw as Buffer);
    else if (field.type === 'map') {
      const e = decodeMessage(raw as Buffer, 'MapEntry');
      out[field.name] = { ...(out[field.name] ?? {}), [e.key ?? '']: e.value ?? '' };
      continue;
    } else value = decodeMessage(raw as Buffer, field.type);
    if (field.repeated) (out[field.name] ??= []).push(value);
    else out[field.name] = value;
  }
  return out;
}
SCHEMAS.MapEntry = { 1: f('key', 'string'), 2: f('value', 'string') };

/**
 * Decodes a `k8s\0`-framed protobuf body into the JSON object it stands for.
 * @throws when the frame or the kind is not one this cluster reads.
 */
export function decodeKubeProtobuf(body: Buffer): Obj {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('not a Kubernetes protobuf frame');
  const u = decodeMessage(body.subarray(4), 'Unknown');
  const kind = u.typeMeta?.kind as string | undefined;
  if (!kind || !SCHEMAS[kind] || kind === 'Unknown') throw new Error(`cannot read a ${kind ?? 'typeless'} in protobuf`);
  return { apiVersion: u.typeMeta.apiVersion, kind, ...decodeMessage(u.raw ?? Buffer.alloc(0), kind) };
}
