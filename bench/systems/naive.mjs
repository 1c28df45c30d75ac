// The usual hand-written JS baseline: an MLP over Float32Array with triple-loop matmuls.
import { LR, dense } from '../configs.mjs';

function matmul(out, a, b, M, N, K, transB) {
  // out (M×N) = a (M×K) · b (K×N), or · bᵀ when b is (N×K)
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[i * K + k] * (transB ? b[j * K + k] : b[k * N + j]);
      out[i * N + j] = sum;
    }
  }
}

export const naive = {
  name: 'naive JS (triple-loop matmul)',
  key: 'naive-js',
  async create(config, data) {
    const B = config.batch;
    const layers = dense(config).map((l) => {
      const limit = Math.sqrt(6 / l.in);
      return {
        ...l,
        W: Float32Array.from({ length: l.out * l.in }, () => (Math.random() * 2 - 1) * limit), // out × in
        b: new Float32Array(l.out),
        dW: new Float32Array(l.out * l.in),
        act: new Float32Array(B * l.out),
        delta: new Float32Array(B * l.out),
        dIn: new Float32Array(B * l.in),
      };
    });
    const step = (batch) => {
      let input = data.x.subarray(batch * B * data.inputs, (batch + 1) * B * data.inputs);
      const inputs = [];
      layers.forEach((l, i) => {
        inputs.push(input);
        matmul(l.act, input, l.W, B, l.out, l.in, true);
        for (let r = 0; r < B; r++) for (let o = 0; o < l.out; o++) l.act[r * l.out + o] += l.b[o];
        if (i < layers.length - 1) for (let k = 0; k < l.act.length; k++) l.act[k] = Math.max(0, l.act[k]);
        input = l.act;
      });
      const last = layers.at(-1);
      const K = last.out;
      for (let r = 0; r < B; r++) {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, last.act[r * K + k]);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(last.act[r * K + k] - max);
        const label = data.labels[batch * B + r];
        for (let k = 0; k < K; k++) last.delta[r * K + k] = (Math.exp(last.act[r * K + k] - max) / sum - (k === label ? 1 : 0)) / B;
      }
      for (let i = layers.length - 1; i >= 0; i--) {
        const l = layers[i];
        const x = inputs[i];
        for (let o = 0; o < l.out; o++) {
          for (let c = 0; c < l.in; c++) {
            let sum = 0;
            for (let r = 0; r < B; r++) sum += l.delta[r * l.out + o] * x[r * l.in + c];
            l.dW[o * l.in + c] = sum;
          }
          let db = 0;
          for (let r = 0; r < B; r++) db += l.delta[r * l.out + o];
          l.b[o] -= LR * db;
        }
        if (i > 0) {
          matmul(l.dIn, l.delta, l.W, B, l.in, l.out, false);
          const prev = layers[i - 1];
          for (let k = 0; k < prev.delta.length; k++) prev.delta[k] = prev.act[k] > 0 ? l.dIn[k] : 0;
        }
        for (let k = 0; k < l.W.length; k++) l.W[k] -= LR * l.dW[k];
      }
    };
    return {
      async train(n) {
        for (let batch = 0; batch < n; batch++) step(batch);
      },
    };
  },
};
