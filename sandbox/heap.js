// A binary min-heap: the sandbox's schedule keeps its queues and running stages
// in these, so reading the state stays cheap with thousands of tasks waiting.
export class Heap {
  /** `before(a, b)` is true when a comes out first. */
  constructor(before) {
    this.before = before;
    this.items = [];
  }

  get size() { return this.items.length; }

  peek() { return this.items[0]; }

  push(item) {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < items.length && this.before(items[left], items[first])) first = left;
      if (right < items.length && this.before(items[right], items[first])) first = right;
      if (first === i) return top;
      [items[i], items[first]] = [items[first], items[i]];
      i = first;
    }
  }
}
