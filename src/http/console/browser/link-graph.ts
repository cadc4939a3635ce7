/**
 * The linked subjects of a case drawn as a small graph: the case's subject in the middle, each
 * subject it shares an identifier with on a circle around it, the shared kinds on the edge, the
 * other subject's case marked by how it was closed, each node a link to that case. A circle is
 * layout enough for the link scan's bound (at most 21 holders of one key), so no layout library.
 * SVG built with the DOM: values reach it through textContent and attributes only.
 */
import type { CaseView } from './api-types.js';
import { el, words } from './dom.js';

type Linked = CaseView['linkedSubjects'][number];

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const NODE_RADIUS = 16;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, children: (SVGElement | null)[] = []): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function svgText(text: string, attributes: Record<string, string | number>) {
  const node = svg('text', attributes);
  node.textContent = text;
  return node;
}

/** What the node's look says: confirmed, cleared, still in the queue, or no case. */
export function linkedState(linked: Linked): 'confirmed' | 'cleared' | 'queued' | 'none' {
  if (linked.disposition === 'confirmed_match') return 'confirmed';
  if (linked.disposition === 'false_positive' || linked.disposition === 'cleared') return 'cleared';
  return linked.caseId && linked.caseStatus !== 'closed' ? 'queued' : 'none';
}

const STATE_TEXT = { confirmed: 'confirmed match', cleared: 'cleared', queued: 'case in the queue', none: 'no open case' } as const;

const shorten = (text: string, max = 18) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Where the i-th of n nodes sits on the circle, starting at the top, clockwise. */
export function circlePosition(index: number, count: number, center: { x: number; y: number }, radius: number) {
  const angle = -Math.PI / 2 + (2 * Math.PI * index) / count;
  return { x: Math.round(center.x + radius * Math.cos(angle)), y: Math.round(center.y + radius * Math.sin(angle)) };
}

function linkedNode(linked: Linked, at: { x: number; y: number }) {
  const state = linkedState(linked);
  const describe = `${linked.externalRef}: shares ${linked.fields.join(', ')}; ${STATE_TEXT[state]}${linked.disposition ? ` (${words(linked.disposition)})` : ''}`;
  const shape = [
    svg('title', {}),
    svg('circle', { cx: at.x, cy: at.y, r: NODE_RADIUS, class: `node node-${state}` }),
    state === 'confirmed' ? svgText('!', { x: at.x, y: at.y + 5, class: 'node-mark', 'text-anchor': 'middle' }) : state === 'cleared' ? svgText('✓', { x: at.x, y: at.y + 5, class: 'node-mark', 'text-anchor': 'middle' }) : null,
    svgText(shorten(linked.externalRef), { x: at.x, y: at.y + NODE_RADIUS + 14, 'text-anchor': 'middle', class: 'node-label' }),
  ];
  shape[0]!.textContent = describe;
  const group = linked.caseId ? svg('a', { href: `#/cases/${linked.caseId}`, 'aria-label': `Open the case of ${describe}`, 'data-testid': 'graph-node' }, shape) : svg('g', { 'data-testid': 'graph-node', role: 'img', 'aria-label': describe }, shape);
  group.setAttribute('data-state', state);
  return group;
}

/** The identifier kind of a shared field: /subject/addresses/0 → addresses. */
export function identifierKind(field: string): string {
  return field.replace(/^\/subject\//, '').replace(/\/\d+$/, '') || field;
}

function edge(from: { x: number; y: number }, to: { x: number; y: number }, fields: string[]) {
  // The label sits nearer the outer node, so labels of neighbouring edges part.
  const label = { x: Math.round(from.x + (to.x - from.x) * 0.6), y: Math.round(from.y + (to.y - from.y) * 0.6) };
  return svg('g', { class: 'edge', 'data-testid': 'graph-edge' }, [
    svg('line', { x1: from.x, y1: from.y, x2: to.x, y2: to.y }),
    svgText(shorten([...new Set(fields.map(identifierKind))].join(', '), 28), { x: label.x, y: label.y - 4, 'text-anchor': 'middle', class: 'edge-label' }),
  ]);
}

function legend() {
  return el(
    'p',
    { class: 'graph-legend muted' },
    (['self', 'confirmed', 'cleared', 'queued', 'none'] as const).map((state) =>
      el('span', {}, [el('span', { class: `swatch node-${state}`, 'aria-hidden': 'true' }), ` ${state === 'self' ? 'this subject' : STATE_TEXT[state]} `]),
    ),
  );
}

/** The graph of a case's linked subjects; null when it has none. */
export function linkGraph(subjectRef: string, linked: Linked[]): HTMLElement | null {
  if (linked.length === 0) return null;
  const radius = linked.length <= 4 ? 110 : linked.length <= 10 ? 150 : 190;
  const height = 2 * radius + 2 * NODE_RADIUS + 50;
  const center = { x: WIDTH / 2, y: height / 2 };
  const positions = linked.map((_, index) => circlePosition(index, linked.length, center, radius));
  const graph = svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${height}`, class: 'link-graph', role: 'group', 'aria-label': `Subjects linked to ${subjectRef}`, 'data-testid': 'link-graph' },
    [
      ...linked.map((item, index) => edge(center, positions[index]!, item.fields)),
      svg('circle', { cx: center.x, cy: center.y, r: NODE_RADIUS + 4, class: 'node node-self' }),
      svgText(shorten(subjectRef), { x: center.x, y: center.y + NODE_RADIUS + 18, 'text-anchor': 'middle', class: 'node-label self' }),
      ...linked.map((item, index) => linkedNode(item, positions[index]!)),
    ],
  );
  return el('figure', { class: 'graph' }, [graph, legend()]);
}
