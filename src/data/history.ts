// The history of every variable: each operation with where it happened, so `kiln env` can
// explain a value. Copies share their parent's lists until they record something themselves.

export interface HistoryEvent {
  variable: string;
  op: string;
  file: string;
  line: number;
  detail: unknown;
  flag?: string;
  /** Internal code rather than a metadata file did this (a Python function name, say). */
  func?: string;
}

export type LogInfo = Partial<HistoryEvent> & { ignore?: boolean };

export class VariableHistory {
  private own = new Map<string, HistoryEvent[]>();

  constructor(private readonly parent: VariableHistory | null = null) {}

  copy(): VariableHistory {
    return new VariableHistory(this);
  }

  private lookup(variable: string): HistoryEvent[] | undefined {
    for (let h: VariableHistory | null = this; h; h = h.parent) {
      const found = h.own.get(variable);
      if (found) return found;
    }
    return undefined;
  }

  record(info: LogInfo): void {
    if (info.ignore || info.variable === undefined) return;
    const event: HistoryEvent = {
      variable: info.variable,
      op: info.op || "set",
      file: info.file ?? "",
      line: info.line ?? 0,
      detail: info.detail,
    };
    if (info.flag !== undefined) event.flag = info.flag;
    if (info.func !== undefined) event.func = info.func;
    let list = this.own.get(info.variable);
    if (!list) {
      list = [...(this.lookup(info.variable) ?? [])];
      this.own.set(info.variable, list);
    }
    list.push(event);
  }

  renameVariable(oldName: string, newName: string): void {
    const old = this.lookup(oldName);
    if (!old) return;
    const list = [...(this.lookup(newName) ?? []), ...old.map((e) => ({ ...e }))];
    this.own.set(newName, list);
  }

  variable(name: string): HistoryEvent[] {
    return [...(this.lookup(name) ?? [])];
  }
}
