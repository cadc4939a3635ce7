/**
 * DOM helpers. Every value from the API reaches the page through `textContent` or an attribute
 * set with the DOM, never as HTML, so names, remarks and comments cannot inject markup; the
 * page's CSP forbids inline script on top.
 */

export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function $(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node;
}

export function input(id: string): HTMLInputElement {
  return $(id) as HTMLInputElement;
}

export function select(id: string): HTMLSelectElement {
  return $(id) as HTMLSelectElement;
}

/** el('tag', { class: 'x', text: 'y', onclick: fn, 'data-testid': 'z' }, [children]) */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function show(id: string, visible: boolean) {
  $(id).hidden = !visible;
}

export function say(text: string, isError = false) {
  const box = $('message');
  box.textContent = text;
  box.className = isError ? 'error' : '';
  box.hidden = !text;
}

export function when(value: string | null | undefined): string {
  return value ? `${new Date(value).toISOString().replace('T', ' ').slice(0, 16)} UTC` : '';
}

/** How long ago, coarsely: "3 h", "2 d". */
export function age(value: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(value)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

export function words(value: string): string {
  return value.replace(/_/g, ' ');
}

export function badge(kind: string, value: string) {
  return el('span', { class: `badge ${kind}-${value}`, text: words(value) });
}

export function dl(pairs: [string, unknown][]) {
  const list = el('dl');
  for (const [label, raw] of pairs) {
    const value = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0) ? '—' : raw;
    list.appendChild(el('dt', { text: label }));
    list.appendChild(el('dd', { text: Array.isArray(value) ? value.join('; ') : String(value) }));
  }
  return list;
}
