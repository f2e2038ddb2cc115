// Go's slices.SortFunc (pattern-defeating quicksort, src/slices/zsortanyfunc.go).
// It is not stable, and which of several equal elements comes first decides the
// order Go's reader emits events in (CPU samples with equal times, threads whose
// next events have equal times), so trace dump must sort exactly as Go does.

type Cmp<E> = (a: E, b: E) => number;

const enum Hint { Unknown, Increasing, Decreasing }

function bitsLen(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

export function goSortFunc<E>(data: E[], cmp: Cmp<E>): void {
  pdqsort(data, 0, data.length, bitsLen(data.length), cmp);
}

function swap<E>(data: E[], i: number, j: number): void {
  const t = data[i]; data[i] = data[j]; data[j] = t;
}

function insertionSort<E>(data: E[], a: number, b: number, cmp: Cmp<E>): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && cmp(data[j], data[j - 1]) < 0; j--) swap(data, j, j - 1);
  }
}

function siftDown<E>(data: E[], lo: number, hi: number, first: number, cmp: Cmp<E>): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && cmp(data[first + child], data[first + child + 1]) < 0) child++;
    if (!(cmp(data[first + root], data[first + child]) < 0)) return;
    swap(data, first + root, first + child);
    root = child;
  }
}

function heapSort<E>(data: E[], a: number, b: number, cmp: Cmp<E>): void {
  const first = a, lo = 0, hi = b - a;
  for (let i = ((hi - 1) / 2) | 0; i >= 0; i--) siftDown(data, i, hi, first, cmp);
  for (let i = hi - 1; i >= 0; i--) {
    swap(data, first, first + i);
    siftDown(data, lo, i, first, cmp);
  }
}

function pdqsort<E>(data: E[], a: number, b: number, limit: number, cmp: Cmp<E>): void {
  const maxInsertion = 12;
  let wasBalanced = true, wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= maxInsertion) { insertionSort(data, a, b, cmp); return; }
    if (limit === 0) { heapSort(data, a, b, cmp); return; }
    if (!wasBalanced) { breakPatterns(data, a, b); limit--; }
    let [pivot, hint] = choosePivot(data, a, b, cmp);
    if (hint === Hint.Decreasing) {
      reverseRange(data, a, b);
      pivot = (b - 1) - (pivot - a);
      hint = Hint.Increasing;
    }
    if (wasBalanced && wasPartitioned && hint === Hint.Increasing && partialInsertionSort(data, a, b, cmp)) return;
    if (a > 0 && !(cmp(data[a - 1], data[pivot]) < 0)) {
      a = partitionEqual(data, a, b, pivot, cmp);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(data, a, b, pivot, cmp);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a, rightLen = b - mid;
    const balanceThreshold = (length / 8) | 0;
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(data, a, mid, limit, cmp);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(data, mid + 1, b, limit, cmp);
      b = mid;
    }
  }
}

function partition<E>(data: E[], a: number, b: number, pivot: number, cmp: Cmp<E>): [number, boolean] {
  swap(data, a, pivot);
  let i = a + 1, j = b - 1;
  while (i <= j && cmp(data[i], data[a]) < 0) i++;
  while (i <= j && !(cmp(data[j], data[a]) < 0)) j--;
  if (i > j) { swap(data, j, a); return [j, true]; }
  swap(data, i, j);
  i++; j--;
  for (;;) {
    while (i <= j && cmp(data[i], data[a]) < 0) i++;
    while (i <= j && !(cmp(data[j], data[a]) < 0)) j--;
    if (i > j) break;
    swap(data, i, j);
    i++; j--;
  }
  swap(data, j, a);
  return [j, false];
}

function partitionEqual<E>(data: E[], a: number, b: number, pivot: number, cmp: Cmp<E>): number {
  swap(data, a, pivot);
  let i = a + 1, j = b - 1;
  for (;;) {
    while (i <= j && !(cmp(data[a], data[i]) < 0)) i++;
    while (i <= j && cmp(data[a], data[j]) < 0) j--;
    if (i > j) break;
    swap(data, i, j);
    i++; j--;
  }
  return i;
}

function partialInsertionSort<E>(data: E[], a: number, b: number, cmp: Cmp<E>): boolean {
  const maxSteps = 5, shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !(cmp(data[i], data[i - 1]) < 0)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    swap(data, i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!(cmp(data[j], data[j - 1]) < 0)) break;
        swap(data, j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!(cmp(data[j], data[j - 1]) < 0)) break;
        swap(data, j, j - 1);
      }
    }
  }
  return false;
}

function breakPatterns<E>(data: E[], a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let random = BigInt(length);
  const mask = 0xffffffffffffffffn;
  const modulus = BigInt(2 ** bitsLen(length));
  for (let idx = a + ((length / 4) | 0) * 2 - 1; idx <= a + ((length / 4) | 0) * 2 + 1; idx++) {
    random ^= (random << 13n) & mask;
    random ^= random >> 7n;
    random ^= (random << 17n) & mask;
    let other = Number(random & (modulus - 1n));
    if (other >= length) other -= length;
    swap(data, idx, a + other);
  }
}

function choosePivot<E>(data: E[], a: number, b: number, cmp: Cmp<E>): [number, Hint] {
  const shortestNinther = 50, maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { n: 0 };
  let i = a + ((l / 4) | 0) * 1;
  let j = a + ((l / 4) | 0) * 2;
  let k = a + ((l / 4) | 0) * 3;
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(data, i - 1, i, i + 1, swaps, cmp);
      j = median(data, j - 1, j, j + 1, swaps, cmp);
      k = median(data, k - 1, k, k + 1, swaps, cmp);
    }
    j = median(data, i, j, k, swaps, cmp);
  }
  if (swaps.n === 0) return [j, Hint.Increasing];
  if (swaps.n === maxSwaps) return [j, Hint.Decreasing];
  return [j, Hint.Unknown];
}

function median<E>(data: E[], a: number, b: number, c: number, swaps: { n: number }, cmp: Cmp<E>): number {
  if (cmp(data[b], data[a]) < 0) { swaps.n++; [a, b] = [b, a]; }
  if (cmp(data[c], data[b]) < 0) { swaps.n++; [b, c] = [c, b]; }
  if (cmp(data[b], data[a]) < 0) { swaps.n++; [a, b] = [b, a]; }
  return b;
}

function reverseRange<E>(data: E[], a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) swap(data, i, j);
}
