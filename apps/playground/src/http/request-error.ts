export type ErrorType =
  | 'invalid_request_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'timeout_error';

export interface RequestErrorInit {
  status: number;
  code: string;
  message: string;
  /** The request field at fault, as OpenAI names it: `messages[0].content`, `temperature`. */
  param?: string | null;
  type?: ErrorType;
  /** Extra response headers (Retry-After, Allow). */
  headers?: Record<string, string>;
}

/** A request the server answers with `status` and an OpenAI-shaped error body, never thrown further. */
export class RequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;
  readonly type: ErrorType;
  readonly headers: Record<string, string>;

  constructor(init: RequestErrorInit) {
    super(init.message);
    this.name = 'RequestError';
    this.status = init.status;
    this.code = init.code;
    this.param = init.param ?? null;
    this.type =
      init.type ??
      (init.status === 404
        ? 'not_found_error'
        : init.status === 429
          ? 'rate_limit_error'
          : 'invalid_request_error');
    this.headers = init.headers ?? {};
  }
}
