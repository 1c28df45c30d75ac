// A small seeded generator (mulberry32) so initialisation and shuffling are reproducible
// bit for bit across runs and backends.
export class Random {
  private state_: number;

  constructor(seed: number) {
    this.state_ = seed >>> 0;
  }

  /** The generator's whole state (a 32-bit integer), for model files: restoring it resumes the same sequence. */
  get state(): number {
    return this.state_;
  }
  set state(value: number) {
    this.state_ = value >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state_ = (this.state_ + 0x6d2b79f5) >>> 0;
    let t = this.state_;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [-limit, limit). */
  uniform(limit: number): number {
    return (2 * this.next() - 1) * limit;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle(order: Int32Array): void {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
  }
}
