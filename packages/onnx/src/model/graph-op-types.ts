import { open } from 'node:fs/promises';
import { ModelFormatError } from '@x/core';

const WINDOW = 1 << 16;
// field numbers in onnx.proto
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_GRAPHS = 11;

/**
 * The op types of an .onnx file's graph and its subgraphs (If/Loop branches, as in merged decoders), as
 * `domain:op` ("com.microsoft:GroupQueryAttention", ":MatMul"). Walks the protobuf wire format with
 * positioned reads, skipping initializers unread, so a graph with gigabytes of inline weights costs a few
 * small reads.
 */
export async function graphOpTypes(path: string): Promise<Set<string>> {
  const file = await open(path, 'r');
  try {
    const reader = new WireReader(file, (await file.stat()).size, path);
    const ops = new Set<string>();
    const graph = (from: number, end: number) =>
      reader.fields(from, end, async (field, nodeEnd) => {
        if (field !== GRAPH_NODE) return;
        let op = '';
        let domain = '';
        await reader.fields(reader.at, nodeEnd, async (nodeField, valueEnd) => {
          if (nodeField === NODE_OP_TYPE) op = await reader.text(valueEnd);
          else if (nodeField === NODE_DOMAIN) domain = await reader.text(valueEnd);
          else if (nodeField === NODE_ATTRIBUTE)
            await reader.fields(reader.at, valueEnd, async (attributeField, graphEnd) => {
              if (attributeField === ATTRIBUTE_GRAPH || attributeField === ATTRIBUTE_GRAPHS)
                await graph(reader.at, graphEnd);
            });
        });
        ops.add(`${domain === 'ai.onnx' ? '' : domain}:${op}`);
      });
    await reader.fields(0, reader.size, async (field, end) => {
      if (field === MODEL_GRAPH) await graph(reader.at, end);
    });
    return ops;
  } finally {
    await file.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/** Reads varints and length-delimited fields at a position of a file, through a small window. */
class WireReader {
  at = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
    private readonly path: string,
  ) {}

  /**
   * Visits the fields in [from, end): `visit(field, valueEnd)` gets length-delimited ones with `at` on their
   * first byte (and may read them, nested fields too); every other field is skipped.
   */
  async fields(from: number, end: number, visit: (field: number, end: number) => Promise<void>) {
    this.at = from;
    while (this.at < end) {
      const key = await this.varint();
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (wire === 0) await this.varint();
      else if (wire === 1) this.at += 8;
      else if (wire === 5) this.at += 4;
      else if (wire === 2) {
        const length = await this.varint();
        const valueEnd = this.at + length;
        if (valueEnd > end) this.fail(`a field of ${length} bytes runs past its message`);
        await visit(field, valueEnd);
        this.at = valueEnd;
      } else this.fail(`unsupported protobuf wire type ${wire}`);
    }
    if (this.at !== end) this.fail('a field runs past its message');
  }

  async text(end: number): Promise<string> {
    await this.load(this.at, end - this.at);
    const from = this.at - this.windowStart;
    return this.window.toString('utf8', from, from + end - this.at);
  }

  private async varint(): Promise<number> {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      await this.load(this.at, 1);
      const byte = this.window[this.at++ - this.windowStart]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return this.fail('a varint longer than 10 bytes');
  }

  private async load(from: number, length: number): Promise<void> {
    if (from + length > this.size) this.fail('the file ends inside a field');
    if (from >= this.windowStart && from + length <= this.windowStart + this.window.length) return;
    const buffer = Buffer.alloc(Math.min(Math.max(length, WINDOW), this.size - from));
    const { bytesRead } = await this.file.read(buffer, 0, buffer.length, from);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = from;
  }

  private fail(problem: string): never {
    throw new ModelFormatError(`not an ONNX model: ${problem}`, { path: this.path, offset: this.at });
  }
}
