/**
 * Watches the learner's workspace so `file` checks re-run when a file changes on disk,
 * whoever wrote it (an editor, another terminal), not only after the next shell command.
 * Changes are debounced; a folder that vanishes, or a platform without recursive
 * watching, never throws: the watch just ends (or covers the top folder only).
 */
import fs from 'node:fs';

export interface WorkspaceWatchOptions {
  /** Called once per burst of changes, `debounceMs` after the last one. */
  onChange: () => void;
  debounceMs?: number;
}

export class WorkspaceWatch {
  private watcher: fs.FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly folder: string,
    private readonly opts: WorkspaceWatchOptions,
  ) {
    this.watcher = open(folder, true) ?? open(folder, false);
    this.watcher?.on('change', this.fire);
    // The folder was removed, or the watch broke: stop quietly; checks still run after each command.
    this.watcher?.on('error', () => this.close());
  }

  /** Whether changes are being watched (false when the folder could not be watched). */
  get watching(): boolean {
    return !!this.watcher && !this.closed;
  }

  private fire = () => {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.opts.onChange();
    }, this.opts.debounceMs ?? 100);
    this.timer.unref?.();
  };

  /** Stops watching; safe to call more than once. */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    try {
      this.watcher?.close();
    } catch {
      /* already gone */
    }
    this.watcher = undefined;
  }
}

function open(folder: string, recursive: boolean): fs.FSWatcher | undefined {
  try {
    return fs.watch(folder, { recursive, persistent: false });
  } catch {
    return undefined;
  }
}
