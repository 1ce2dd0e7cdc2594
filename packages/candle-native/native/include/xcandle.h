/* xcandle: the x inference engine's C API.
 *
 * Opaque handles; every fallible call returns an xc_error* (NULL means success) that the caller
 * frees with xc_error_free. No call aborts or exits the process on bad input, and no C++
 * exception crosses this boundary. Memory layouts do not assume the CPU: logits are copied into
 * a caller-owned host buffer whatever device computed them. */
#ifndef XCANDLE_H
#define XCANDLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xc_model xc_model;     /* weights (GGUF, memory-mapped, some matrices maybe re-laid), read-only once loaded */
typedef struct xc_context xc_context; /* KV cache slots (sequences), scratch, threads */
typedef struct xc_error xc_error;

typedef enum xc_code {
  XC_OK = 0,
  XC_ERR_IO = 1,             /* cannot open / map / read the file */
  XC_ERR_FORMAT = 2,         /* malformed or truncated GGUF, missing tensor, wrong shape */
  XC_ERR_UNSUPPORTED = 3,    /* architecture, tensor type or device not implemented */
  XC_ERR_OUT_OF_MEMORY = 4,
  XC_ERR_CONTEXT_FULL = 5,   /* a sequence would exceed the context length */
  XC_ERR_INVALID_ARGUMENT = 6,
  XC_ERR_ABORTED = 7,        /* the abort flag was set; sequences are left as before the call */
  XC_ERR_NO_DEVICE = 8,      /* e.g. CUDA requested but not compiled in or no GPU present */
  XC_ERR_INTERNAL = 9
} xc_code;

xc_code xc_error_code(const xc_error* error);
const char* xc_error_message(const xc_error* error);
/* Byte offset in the file the error refers to, or -1. */
int64_t xc_error_offset(const xc_error* error);
void xc_error_free(xc_error* error);

typedef enum xc_kv_type { XC_KV_F16 = 0, XC_KV_F32 = 1 } xc_kv_type;

typedef struct xc_model_options {
  /* "cpu" (default when NULL), "cuda" (= "cuda:0"), "cuda:N". A CUDA device fails with XC_ERR_NO_DEVICE
     whose message says which: built without CUDA, no CUDA device (or N out of range), driver too old for
     this build; a usable GPU fails with XC_ERR_UNSUPPORTED until the CUDA forward pass lands. */
  const char* device;
  /* 0 (default): quantized matrices may be re-laid in memory for faster kernels (one private copy,
     the file's pages released), unless XC_X8=0 is in the environment; 1: use the mapped bytes as they
     are, so processes that map the same file share its page cache; -1: re-lay, whatever XC_X8 says. */
  int32_t keep_file_layout;
  /* The CPU kernel table the weights are laid out for and every context runs: "scalar", "avx2",
     "avx512"; NULL or "": XC_KERNELS from the environment when set, else the fastest this CPU runs.
     A table this CPU or build lacks fails with XC_ERR_UNSUPPORTED. */
  const char* kernels;
} xc_model_options;

typedef struct xc_model_info {
  char architecture[32];
  char name[128];
  char weight_type[16]; /* dominant type of the matrices: "F32", "Q8_0", … */
  int32_t vocab_size;
  int32_t context_length; /* trained context from the metadata */
  int32_t embedding_length;
  int32_t layer_count;
  int32_t head_count;
  int32_t head_count_kv;
  int64_t weight_bytes;
  int64_t relaid_bytes; /* weight bytes re-laid in private memory; 0: no matrix re-laid (F16/BF16 ones a
                           table streams with a one-token tile are still copied as they are, into huge pages) */
  char device[32];
} xc_model_info;

xc_error* xc_model_load(const char* path, const xc_model_options* options, xc_model** out_model);
xc_error* xc_model_get_info(const xc_model* model, xc_model_info* out_info);
void xc_model_free(xc_model* model);

typedef struct xc_context_options {
  int32_t context_length; /* tokens per sequence; 0 = the model's trained context */
  int32_t max_sequences;  /* 0 = 16 */
  int32_t threads;        /* 0 = physical cores */
  xc_kv_type kv_type;
} xc_context_options;

xc_error* xc_context_create(xc_model* model, const xc_context_options* options, xc_context** out_context);
void xc_context_free(xc_context* context);

xc_error* xc_sequence_create(xc_context* context, int32_t* out_sequence);
/* New sequence sharing the first n_tokens of `from` (n_tokens < 0: all of them). */
xc_error* xc_sequence_fork(xc_context* context, int32_t from, int32_t n_tokens, int32_t* out_sequence);
xc_error* xc_sequence_truncate(xc_context* context, int32_t sequence, int32_t n_tokens);
xc_error* xc_sequence_release(xc_context* context, int32_t sequence);
xc_error* xc_sequence_length(const xc_context* context, int32_t sequence, int32_t* out_length);

typedef struct xc_batch_item {
  int32_t sequence;
  const int32_t* tokens;
  int32_t token_count;
  int32_t logits_all; /* 0: one row (last token); 1: one row per token */
} xc_batch_item;

/* Appends each item's tokens to its sequence and writes logits row-major into `logits`
 * (caller-allocated: sum of rows × vocab_size floats, items in order). `abort_flag`, when not
 * NULL, is polled between layers; when it becomes non-zero the call returns XC_ERR_ABORTED and
 * every sequence keeps the length it had before the call. */
xc_error* xc_forward(xc_context* context, const xc_batch_item* items, int32_t item_count, float* logits,
                     const volatile int32_t* abort_flag);

/* xc_forward that returns, instead of each logits row, the id of its largest logit (4 bytes per row,
 * same rows and order as xc_forward's logits): the first index of the largest value, a NaN never
 * chosen, 0 for a row of only -inf/NaN. For greedy decoding: the logits stay inside the engine.
 * `token_ids` is caller-allocated (sum of rows int32s). Same validation, abort and errors as xc_forward. */
xc_error* xc_forward_argmax(xc_context* context, const xc_batch_item* items, int32_t item_count, int32_t* token_ids,
                            const volatile int32_t* abort_flag);

/* xc_forward_argmax with a token mask per output row, for constrained (grammar) greedy decoding.
 * `allowed` is NULL (every token allowed) or holds one pointer per output row (same rows and order as
 * token_ids); each is NULL (every token allowed) or points to ceil(vocab_size / 32) uint32 words, bit
 * (i & 31) of word (i >> 5) allowing token i (bits past vocab_size are ignored). A row's id is then the
 * argmax of its logits with the tokens left out read as -inf: the first largest allowed value, 0 when
 * the allowed values are all -inf/NaN (the unmasked rule). A row whose mask allows no token gets -1; the
 * call still succeeds and the other rows are unaffected. Same validation, abort and errors as xc_forward. */
xc_error* xc_forward_argmax_masked(xc_context* context, const xc_batch_item* items, int32_t item_count,
                                   const uint32_t* const* allowed, int32_t* token_ids,
                                   const volatile int32_t* abort_flag);

/* Build facts: CPU features, the default kernel table and the CUDA targets, e.g.
   "avx2 fma f16c kernels=avx512 cuda=off" or "... cuda=on (sm_80 sm_90a)". */
const char* xc_build_info(void);

#ifdef __cplusplus
}
#endif

#endif
