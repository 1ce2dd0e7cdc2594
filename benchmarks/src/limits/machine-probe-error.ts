import { XError } from '@x/core';

/** The harness's machine probes could not run, or printed something that is not their one line. */
export class MachineProbeError extends XError {
  static readonly code = 'X_MACHINE_PROBE';
  /** The probe's subcommand (membw or int8peak). */
  readonly probe: string;

  constructor(probe: string, message: string, options: { cause?: unknown } = {}) {
    super(MachineProbeError.code, `xcandle-harness ${probe}: ${message}`, options);
    this.name = 'MachineProbeError';
    this.probe = probe;
  }

  static override isInstance(value: unknown): value is MachineProbeError {
    return XError.isInstance(value) && value.code === MachineProbeError.code;
  }
}
