// Strings stored once and referred to by index in numeric records (task and region types, wait
// reasons), so that rows of typed arrays can name them.

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
