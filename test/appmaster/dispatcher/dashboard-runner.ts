import { runInNewContext } from 'node:vm';
import { DASHBOARD_HTML } from '../../../appmaster/dispatcher/dashboard-page.js';

/** Just enough DOM for the dashboard script: elements, text, attributes, getElementById. */
class FakeElement {
  id = '';
  readonly attrs: Record<string, string> = {};
  children: FakeElement[] = [];
  parentNode: FakeElement | undefined;
  style: Record<string, string> = {};
  private text: string | undefined;

  constructor(readonly tag: string) {}
  setAttribute(k: string, v: string) {
    this.attrs[k] = v;
  }
  appendChild(c: FakeElement) {
    c.parentNode = this;
    this.children.push(c);
    return c;
  }
  replaceChild(next: FakeElement, old: FakeElement) {
    this.children[this.children.indexOf(old)] = next;
    next.parentNode = this;
  }
  set textContent(t: string) {
    this.children = [];
    this.text = t;
  }
  get textContent(): string {
    return this.text ?? this.children.map((c) => c.textContent).join(' ');
  }
  find(id: string): FakeElement | undefined {
    if (this.id === id) return this;
    for (const c of this.children) {
      const hit = c.find(id);
      if (hit) return hit;
    }
    return undefined;
  }
  /** Rows of a rendered table as cell texts (header row included). */
  rows(): string[][] {
    return this.tag === 'table' ? this.children.map((tr) => tr.children.map((td) => td.textContent)) : [];
  }
}

function textNode(t: string): FakeElement {
  const n = new FakeElement('#text');
  n.textContent = t;
  return n;
}

export interface DashboardRun {
  element: (id: string) => FakeElement;
  requested: string[];
}

/**
 * Runs the dashboard's own script as a browser would at `pageUrl` (e.g. through the web proxy),
 * with `fetch` resolving its relative URLs against that page. Resolves after the first full poll.
 */
export async function runDashboard(pageUrl: string): Promise<DashboardRun> {
  const script = /<script>([\s\S]*)<\/script>/.exec(DASHBOARD_HTML)![1];
  const root = new FakeElement('body');
  for (const id of ['app', 'mode', 'status', 'problem', 'cards', 'taskexecutors', 'jobs']) {
    const e = new FakeElement('div');
    e.id = id;
    root.appendChild(e);
  }
  const requested: string[] = [];
  let polled!: () => void;
  const firstPoll = new Promise<void>((resolve) => (polled = resolve));
  const page = new URL(pageUrl);
  runInNewContext(script, {
    location: { pathname: page.pathname },
    document: {
      createElement: (tag: string) => new FakeElement(tag),
      createTextNode: textNode,
      getElementById: (id: string) => root.find(id) ?? null,
    },
    fetch: (rel: string, init: RequestInit) => {
      const url = new URL(rel, page);
      requested.push(url.pathname);
      return fetch(url, init);
    },
    // The next poll is not run: one pass is what the test looks at.
    setTimeout: () => polled(),
    console,
  });
  await firstPoll;
  return { element: (id) => root.find(id)!, requested };
}
