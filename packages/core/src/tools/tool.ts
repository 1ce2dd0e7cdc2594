import { pythonStrOfJson } from '../adapters/python-json.js';
import type { FunctionDefinition } from '../lm/lm.js';
import type { JsonSchema } from '../signature/field-type.js';
import { jsonSchemaOfValidator } from '../signature/field-type-builders.js';
import { isStandardSchema, type StandardSchemaV1 } from '../signature/standard-schema.js';
import { ToolError } from './tool-error.js';

type Args = Record<string, unknown>;

export interface ToolOptions<A extends Args> {
  name: string;
  /** What the tool does, as the LM will read it. */
  desc?: string;
  /**
   * The arguments: a JSON schema of the argument object (`{ type: 'object', properties, required }`)
   * or a Standard Schema validator (zod, valibot, …), which also validates each call.
   * Omitted: the tool takes no arguments.
   */
  parameters?: JsonSchema | StandardSchemaV1<unknown, A>;
  /** Runs the tool. Its value (or error) becomes the observation the LM reads. */
  execute: (args: A, options: { signal?: AbortSignal }) => unknown;
}

/** The OpenAI-style function definition an LM with native function calling receives. */
export type ToolDefinition = FunctionDefinition;

/**
 * DSPy's `dspy.Tool`: a named function with a description and per-argument JSON schemas. DSPy reads
 * these from Python type hints; here they come from a JSON schema or a Standard Schema.
 */
export class Tool<A extends Args = Args> {
  readonly name: string;
  readonly desc: string | undefined;
  /** Each argument's JSON schema, in declaration order (DSPy's `Tool.args`). */
  readonly args: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
  private readonly validator: StandardSchemaV1<unknown, A> | undefined;
  private readonly run: ToolOptions<A>['execute'];

  constructor(options: ToolOptions<A>) {
    if (!/^[A-Za-z_][\w-]*$/.test(options.name))
      throw new ToolError({
        toolName: options.name,
        message: `invalid tool name ${JSON.stringify(options.name)}`,
      });
    this.name = options.name;
    this.desc = options.desc;
    this.run = options.execute;
    const parameters = options.parameters;
    this.validator = isStandardSchema(parameters) ? (parameters as StandardSchemaV1<unknown, A>) : undefined;
    const schema =
      parameters === undefined ? {} : this.validator ? jsonSchemaOfValidator(this.validator) : parameters;
    this.args = ((schema as JsonSchema).properties as Record<string, JsonSchema>) ?? {};
    const required = (schema as JsonSchema).required;
    this.required = Array.isArray(required)
      ? (required as string[])
      : Object.keys(this.args).filter((key) => !('default' in (this.args[key] ?? {})));
  }

  /** Validates `args` (unknown and missing arguments, then the Standard Schema if any) and runs the tool. */
  async call(args: Args, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    const unknown = Object.keys(args).filter((key) => !Object.hasOwn(this.args, key));
    if (unknown.length > 0 && !this.validator)
      throw this.error(`Arg ${unknown[0]} is not in the tool's args.`);
    const missing = this.required.filter((key) => !Object.hasOwn(args, key));
    if (missing.length > 0) throw this.error(`missing required argument ${missing.join(', ')}`);
    let value = args as A;
    if (this.validator) {
      const result = await this.validator['~standard'].validate(args);
      if (result.issues)
        throw this.error(`invalid arguments: ${result.issues.map((i) => i.message).join('; ')}`);
      value = result.value;
    }
    return this.run(value, options);
  }

  /** DSPy's `format_as_litellm_function_call`. */
  toDefinition(): ToolDefinition {
    return {
      type: 'function',
      function: {
        name: this.name,
        description: this.desc ?? null,
        parameters: { type: 'object', properties: { ...this.args }, required: [...this.required] },
      },
    };
  }

  /** DSPy's `str(tool)`: "name, whose description is <desc>…</desc>. It takes arguments {…}." */
  toString(): string {
    const desc = this.desc ? `, whose description is <desc>${this.desc}</desc>.`.replaceAll('\n', '  ') : '.';
    return `${this.name}${desc} It takes arguments ${pythonStrOfJson(this.args)}.`;
  }

  /** In a prompt a tool is its description, as pydantic's fallback `str(value)` makes it in DSPy. */
  toJSON(): string {
    return this.toString();
  }

  private error(message: string): ToolError {
    return new ToolError({ toolName: this.name, message: `${this.name}: ${message}` });
  }
}
