// Growable typed-array columns (and interned strings they refer to by index): one row per task or region instance, a few dozen bytes each
// instead of an object (190,000 tasks and a million regions in a 100 MB trace).
type NumberArray = Float64Array | Float32Array | Uint32Array | Uint8Array;

export class Column {
  private data: NumberArray;
  constructor(private readonly make: (length: number) => NumberArray, private readonly width = 1) {
    this.data = make(1024 * width);
  }
  ensure(rows: number): void {
    if (rows * this.width <= this.data.length) return;
    const grown = this.make(Math.max(rows * this.width, 2 * this.data.length));
    grown.set(this.data);
    this.data = grown;
  }
  get(row: number, i = 0): number { return this.data[row * this.width + i]; }
  set(row: number, i: number, value: number): void { this.data[row * this.width + i] = value; }
  add(row: number, i: number, value: number): void { this.data[row * this.width + i] += value; }
  get bytes(): number { return this.data.byteLength; }
}

export const float64 = (width = 1) => new Column((n) => new Float64Array(n), width);
export const float32 = (width = 1) => new Column((n) => new Float32Array(n), width);
export const uint32 = (width = 1) => new Column((n) => new Uint32Array(n), width);

/** Strings stored once, referred to by index in the numeric records. */
export class Interner {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();
  index(value: string): number {
    let i = this.indexes.get(value);
    if (i === undefined) {
      this.indexes.set(value, (i = this.values.length));
      this.values.push(value);
    }
    return i;
  }
  find(value: string): number | undefined { return this.indexes.get(value); }
}
