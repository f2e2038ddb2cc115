// DOM building for the viewer. Every string, above all those from trace
// files, goes in through textContent or setAttribute: never through HTML
// parsing, so a task named "<img onerror=…>" shows as that literal text.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  className?: string;
  /** Attributes such as role, aria-*, tabindex, title. Event-handler attributes are refused. */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`refusing event-handler attribute ${name}`);
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A text-styled button that reveals a source line; shows the location as plain text. */
export function linkButton(label: string, title: string, onActivate: () => void): HTMLButtonElement {
  return h('button', { className: 'link', attrs: { type: 'button', title }, on: { click: (e) => { e.stopPropagation(); onActivate(); } } }, label);
}
