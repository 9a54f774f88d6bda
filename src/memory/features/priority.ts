// Priority queues (x-max-priority): one classic store per level, highest served first, FIFO
// within a level. A priority above the maximum counts as the maximum; none counts as 0.
import { ClassicStore, type QueueEntry, type ReadyStore } from "../ready-store";

export class PriorityStore implements ReadyStore {
  private readonly levels: ClassicStore[];
  private count = 0;

  constructor(private readonly maxPriority: number) {
    this.levels = Array.from({ length: maxPriority + 1 }, () => new ClassicStore());
  }

  get length(): number {
    return this.count;
  }

  push(entry: QueueEntry): void {
    this.level(entry).push(entry);
    this.count += 1;
  }

  requeue(entry: QueueEntry): void {
    this.level(entry).requeue(entry);
    this.count += 1;
  }

  peek(): QueueEntry | undefined {
    return this.highest()?.peek();
  }

  shift(): QueueEntry | undefined {
    const level = this.highest();
    if (!level) return undefined;
    this.count -= 1;
    return level.shift();
  }

  drain(): QueueEntry[] {
    this.count = 0;
    return this.levels.reduceRight<QueueEntry[]>((all, level) => all.concat(level.drain()), []);
  }

  private level(entry: QueueEntry): ClassicStore {
    const p = entry.msg.priority ?? 0;
    return this.levels[Math.max(0, Math.min(p, this.maxPriority))];
  }

  private highest(): ClassicStore | undefined {
    for (let p = this.maxPriority; p >= 0; p--) if (this.levels[p].length) return this.levels[p];
    return undefined;
  }
}
