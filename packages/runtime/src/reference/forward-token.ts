import { throwIfAborted } from '@x/core';
import type { KVCache } from './kv-cache.js';
import { isSlidingLayer } from './model-config.js';
import { geluTanh, silu, softcap } from './ops/activations.js';
import { matVec } from './ops/mat-vec.js';
import { rmsNorm } from './ops/rms-norm.js';
import { applyRope } from './ops/rope.js';
import { softmax } from './ops/softmax.js';
import type { ReferenceModel } from './reference-model.js';
import { ropeParams } from './rope-params.js';
import type { RunState } from './run-state.js';

/**
 * Runs token `token` at position `pos` through the model: appends its keys and values to `cache`
 * (rows `pos` of every layer) and, when `logits` (vocab) is given, writes the next-token logits into it.
 * Throws AbortError between layers once `signal` has fired.
 */
export function forwardToken(
  model: ReferenceModel,
  cache: KVCache,
  token: number,
  pos: number,
  s: RunState,
  logits?: Float32Array,
  signal?: AbortSignal,
): void {
  const { config: c, weights: w } = model;
  const dim = c.embeddingLength;
  const hd = c.headDim;
  const nh = c.headCount;
  const nkv = c.headCountKv;
  const kvDim = nkv * hd;
  const queriesPerKvHead = nh / nkv;
  const eps = c.rmsEpsilon;
  const x = s.x;

  // token embedding, optionally scaled by sqrt(dim)
  x.set(w.tokenEmbedding.data.subarray(token * dim, (token + 1) * dim));
  if (c.arch.scaleEmbedding) {
    const scale = Math.fround(Math.sqrt(dim));
    for (let i = 0; i < dim; i++) x[i] = x[i]! * scale;
  }

  for (let l = 0; l < c.layerCount; l++) {
    throwIfAborted(signal);
    const layer = w.layers[l]!;
    const sliding = isSlidingLayer(c, l);

    // attention: q, k, v projections
    rmsNorm(s.xb, x, layer.attnNorm, eps);
    matVec(s.q, layer.wq, s.xb, layer.bq);
    matVec(s.k, layer.wk, s.xb, layer.bk);
    matVec(s.v, layer.wv, s.xb, layer.bv);
    if (layer.qNorm !== undefined && layer.kNorm !== undefined) {
      for (let h = 0; h < nh; h++) {
        const head = s.q.subarray(h * hd, (h + 1) * hd);
        rmsNorm(head, head, layer.qNorm, eps);
      }
      for (let h = 0; h < nkv; h++) {
        const head = s.k.subarray(h * hd, (h + 1) * hd);
        rmsNorm(head, head, layer.kNorm, eps);
      }
    }

    // rotary position embedding, then this position's k and v into the cache
    const rope = ropeParams(c, sliding, model.weights.ropeFreqFactors);
    applyRope(s.q, nh, hd, pos, rope);
    applyRope(s.k, nkv, hd, pos, rope);
    cache.write(l, pos, s.k, s.v);

    // multi-head attention over positions [first, pos]; query head h reads kv head h / queriesPerKvHead
    const keys = cache.layerKeys(l); // (positions, nkv·hd)
    const values = cache.layerValues(l); // (positions, nkv·hd)
    const first = sliding ? Math.max(0, pos - c.slidingWindow + 1) : 0;
    const span = pos - first + 1;
    for (let h = 0; h < nh; h++) {
      const qOffset = h * hd;
      const kvOffset = Math.floor(h / queriesPerKvHead) * hd;
      for (let t = first; t <= pos; t++) {
        const kRow = t * kvDim + kvOffset;
        let dot = 0;
        for (let i = 0; i < hd; i++) dot += s.q[qOffset + i]! * keys[kRow + i]!;
        const score = dot * c.attentionScale;
        s.scores[t - first] = c.attentionSoftcap > 0 ? softcap(score, c.attentionSoftcap) : score;
      }
      softmax(s.scores, span);
      const out = s.attention.subarray(qOffset, qOffset + hd);
      out.fill(0);
      for (let t = first; t <= pos; t++) {
        const weight = s.scores[t - first]!;
        const vRow = t * kvDim + kvOffset;
        for (let i = 0; i < hd; i++) out[i] = out[i]! + weight * values[vRow + i]!;
      }
    }
    matVec(s.xb2, layer.wo, s.attention, layer.bo);
    if (layer.postAttnNorm !== undefined) rmsNorm(s.xb2, s.xb2, layer.postAttnNorm, eps);
    for (let i = 0; i < dim; i++) x[i] = x[i]! + s.xb2[i]!;

    // gated feed-forward: down(act(gate(x)) * up(x))
    rmsNorm(s.xb, x, layer.ffnNorm, eps);
    matVec(s.gate, layer.wGate, s.xb);
    matVec(s.up, layer.wUp, s.xb);
    const activation = c.arch.activation === 'silu' ? silu : geluTanh;
    for (let i = 0; i < s.gate.length; i++) s.gate[i] = activation(s.gate[i]!) * s.up[i]!;
    matVec(s.xb2, layer.wDown, s.gate);
    if (layer.postFfnNorm !== undefined) rmsNorm(s.xb2, s.xb2, layer.postFfnNorm, eps);
    for (let i = 0; i < dim; i++) x[i] = x[i]! + s.xb2[i]!;
  }

  if (logits === undefined) return;
  // final norm and LM head, optionally soft-capped
  rmsNorm(s.xb, x, w.outputNorm, eps);
  matVec(logits, w.output, s.xb, w.outputBias);
  if (c.finalSoftcap > 0)
    for (let i = 0; i < logits.length; i++) logits[i] = softcap(logits[i]!, c.finalSoftcap);
}
