import {
  type AttributeProto,
  AttributeType,
  type ModelProto,
  type NodeProto,
  OnnxDataType,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';

export type Attribute = Omit<AttributeProto, 'name'>;
export const int = (i: number): Attribute => ({ type: AttributeType.INT, i });
export const ints = (values: number[]): Attribute => ({ type: AttributeType.INTS, ints: values });
export const float = (f: number): Attribute => ({ type: AttributeType.FLOAT, f });

export type Dim = number | string;

/** A weight: its bytes are placed inline or in the external data file when the model is written. */
export interface Initializer {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  bytes: Uint8Array;
}

/** Collects nodes, graph inputs/outputs and initializers, naming intermediate values uniquely. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly initializers: Initializer[] = [];
  private counter = 0;
  private readonly scalars = new Map<number, string>();
  private usesContribOps = false;

  input(name: string, type: OnnxDataType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: OnnxDataType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  initializer(name: string, dataType: OnnxDataType, dims: number[], bytes: Uint8Array): string {
    this.initializers.push({ name, dataType, dims, bytes });
    return name;
  }

  f32(name: string, dims: number[], values: Float32Array): string {
    return this.initializer(name, OnnxDataType.FLOAT, dims, bytesOf(values));
  }

  int64(values: number[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    return this.initializer(`const_${this.counter++}`, OnnxDataType.INT64, dims, bytesOf(data));
  }

  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      name = this.f32(`const_${this.counter++}`, [], Float32Array.of(value));
      this.scalars.set(value, name);
    }
    return name;
  }

  /** Adds one node and returns its outputs (named after the op unless `outputs` names them). */
  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, Attribute> = {},
    outputs: number | string[] = 1,
  ): string[] {
    const id = this.counter++;
    const names =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => `${opType.toLowerCase()}_${id}${i === 0 ? '' : `_${i}`}`)
        : outputs;
    this.nodes.push({
      input: inputs,
      output: names,
      name: `${opType}_${id}`,
      op_type: opType,
      attribute: Object.entries(attributes).map(([name, value]) => ({ name, ...value })),
    });
    return names;
  }

  /** A com.microsoft contrib op; returns its outputs. */
  contribNode(
    opType: string,
    inputs: string[],
    attributes: Record<string, Attribute> = {},
    outputs: number | string[] = 1,
  ): string[] {
    const names = this.node(opType, inputs, attributes, outputs);
    this.nodes[this.nodes.length - 1]!.domain = 'com.microsoft';
    this.usesContribOps = true;
    return names;
  }

  /** One-output shorthand for `contribNode`. */
  contrib(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.contribNode(opType, inputs, attributes)[0]!;
  }

  /** One-output shorthand for `node`. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, output?: string): string {
    return this.node(opType, inputs, attributes, output === undefined ? 1 : [output])[0]!;
  }

  /** The ModelProto, with `tensors` standing for the initializers (inline or external). */
  model(tensors: TensorProto[], metadata: Record<string, string> = {}): ModelProto {
    return {
      ir_version: 8,
      producer_name: 'x-onnx',
      producer_version: '0.1.0',
      opset_import: [
        { domain: '', version: 17 },
        ...(this.usesContribOps ? [{ domain: 'com.microsoft', version: 1 }] : []),
      ],
      metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: 'decoder',
        node: this.nodes,
        initializer: tensors,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }
}

function valueInfo(name: string, type: OnnxDataType, dims: Dim[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: type, shape: { dim } } } };
}

export function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
