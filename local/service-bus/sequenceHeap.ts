/** A min-heap of messages by sequence number: the next message to deliver is always the oldest one available. */
import type { StoredMessage } from './storedMessage';

export class SequenceHeap {
  private readonly items: StoredMessage[] = [];

  get size(): number {
    return this.items.length;
  }

  push(message: StoredMessage): void {
    const items = this.items;
    items.push(message);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent].sequenceNumber <= items[index].sequenceNumber) break;
      [items[parent], items[index]] = [items[index], items[parent]];
      index = parent;
    }
  }

  pop(): StoredMessage | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as StoredMessage;
    if (items.length > 0) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && items[left].sequenceNumber < items[smallest].sequenceNumber) smallest = left;
        if (right < items.length && items[right].sequenceNumber < items[smallest].sequenceNumber) smallest = right;
        if (smallest === index) break;
        [items[smallest], items[index]] = [items[index], items[smallest]];
        index = smallest;
      }
    }
    return top;
  }
}
