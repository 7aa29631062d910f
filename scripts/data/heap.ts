/** Binary min-heap of actors keyed by the time of their next event: the stream's scheduler. */
export interface Scheduled {
  next: number;
}

export class EventQueue<T extends Scheduled> {
  private readonly items: T[] = [];

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.next <= item.next) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && a[r]!.next < a[l]!.next ? r : l;
      if (a[child]!.next >= last.next) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = last;
    return top;
  }
}
