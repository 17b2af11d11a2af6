import fs from 'node:fs';
import path from 'node:path';
import { TaskHubState, type StoreOp } from './taskHubState';

/**
 * Where the task hub lives. `commit` returns only once the operation is durable, so callers acknowledge work
 * (complete an activity, answer an HTTP start) only after it.
 */
export interface TaskHubStore {
  readonly kind: 'memory' | 'file';
  readonly state: TaskHubState;
  commit(op: StoreOp): void;
  close(): void;
}

/** Operations are JSON round-tripped in both stores so that both see exactly what a journal would replay. */
const normalize = (op: StoreOp): StoreOp => JSON.parse(JSON.stringify(op)) as StoreOp;

export function createMemoryStore(): TaskHubStore {
  const state = new TaskHubState();
  return {
    kind: 'memory',
    state,
    commit: (op) => state.apply(normalize(op)),
    close: () => undefined,
  };
}

const journalName = 'journal.jsonl';

/**
 * An append-only journal (one JSON operation per line, fsync'd per commit) in `directory`. On open the journal is
 * replayed (a torn last line from a crash is ignored: it was never acknowledged) and compacted into one snapshot line.
 */
export function createFileStore(directory: string, options: { compactAfter?: number } = {}): TaskHubStore {
  fs.mkdirSync(directory, { recursive: true });
  const journalPath = path.join(directory, journalName);
  const state = new TaskHubState();
  replayJournal(journalPath, state);
  const compactAfter = options.compactAfter ?? 5000;

  let fd = rewriteJournal(journalPath, state.snapshot());
  let appended = 0;

  return {
    kind: 'file',
    state,
    commit(op) {
      // The line is the normalized operation's JSON: serializing what was parsed from it gives the same text.
      const json = JSON.stringify(op);
      const normalized = JSON.parse(json) as StoreOp;
      const line = `${json}\n`;
      fs.writeSync(fd, line);
      fs.fsyncSync(fd);
      state.apply(normalized);
      if (++appended >= compactAfter) {
        fs.closeSync(fd);
        fd = rewriteJournal(journalPath, state.snapshot());
        appended = 0;
      }
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

function replayJournal(journalPath: string, state: TaskHubState): void {
  if (!fs.existsSync(journalPath)) return;
  const lines = fs.readFileSync(journalPath, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let op: StoreOp;
    try {
      op = JSON.parse(line) as StoreOp;
    } catch {
      const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
      if (isLast) return; // torn write of an operation that was never acknowledged
      throw new Error(`${journalPath}: line ${index + 1} is not valid JSON; the task hub journal is corrupt.`);
    }
    state.apply(op);
  });
}

/** Writes a snapshot to a temporary file, fsyncs it and renames it over the journal; returns an append fd. */
function rewriteJournal(journalPath: string, snapshot: StoreOp): number {
  const temporary = `${journalPath}.tmp`;
  const tmpFd = fs.openSync(temporary, 'w');
  fs.writeSync(tmpFd, `${JSON.stringify(snapshot)}\n`);
  fs.fsyncSync(tmpFd);
  fs.closeSync(tmpFd);
  fs.renameSync(temporary, journalPath);
  const dirFd = fs.openSync(path.dirname(journalPath), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
  return fs.openSync(journalPath, 'a');
}
