// The subset of Go's html/template that Supabase email templates use, so the very files
// `supabase config push` uploads render the same here: `{{ .Field }}`, `{{ .Data.key }}`,
// `{{ if … }}…{{ else if … }}…{{ else }}…{{ end }}` with eq / ne / not / and / or,
// string and number literals, `{{- -}}` trimming and `{{/* comments */}}`. Every value is
// HTML-escaped as html/template does; a missing key renders as nothing. Anything outside
// the subset is a TemplateError naming the action, never a silently wrong email.

export class TemplateError extends Error {}

type Expr =
  | { kind: 'field'; path: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'call'; fn: string; args: Expr[] }

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; expr: Expr }
  | { kind: 'if'; branches: { cond: Expr; body: Node[] }[]; otherwise: Node[] }

const FUNCTIONS = new Set(['eq', 'ne', 'not', 'and', 'or'])

export function renderGoTemplate(source: string, data: Record<string, unknown>): string {
  return renderNodes(parseGoTemplate(source), data)
}

export function parseGoTemplate(source: string): Node[] {
  const tokens = tokenize(source)
  let position = 0

  const parseBlock = (terminators: string[]): { nodes: Node[]; stop: string | null; stopArgs: string } => {
    const nodes: Node[] = []
    while (position < tokens.length) {
      const token = tokens[position++]
      if (token.kind === 'text') {
        if (token.text) nodes.push({ kind: 'text', text: token.text })
        continue
      }
      const action = token.text
      const word = /^[a-z]+/.exec(action)?.[0] ?? ''
      if (word === 'end' || word === 'else') {
        if (!terminators.includes(word)) throw new TemplateError(`unexpected {{${action}}}`)
        return { nodes, stop: word, stopArgs: action.slice(word.length).trim() }
      }
      if (word === 'if') {
        nodes.push(parseIf(action.slice(2).trim()))
        continue
      }
      if (['range', 'with', 'define', 'template', 'block'].includes(word)) {
        throw new TemplateError(`{{${action}}} is not supported by the local stack's template renderer`)
      }
      nodes.push({ kind: 'output', expr: parseExpression(action) })
    }
    if (terminators.length) throw new TemplateError(`missing {{end}}`)
    return { nodes, stop: null, stopArgs: '' }
  }

  const parseIf = (condition: string): Node => {
    const branches: { cond: Expr; body: Node[] }[] = []
    let cond = parseExpression(condition)
    for (;;) {
      const block = parseBlock(['else', 'end'])
      branches.push({ cond, body: block.nodes })
      if (block.stop === 'end') return { kind: 'if', branches, otherwise: [] }
      if (block.stopArgs.startsWith('if ')) {
        cond = parseExpression(block.stopArgs.slice(3).trim())
        continue
      }
      if (block.stopArgs) throw new TemplateError(`unexpected {{else ${block.stopArgs}}}`)
      const otherwise = parseBlock(['end'])
      return { kind: 'if', branches, otherwise: otherwise.nodes }
    }
  }

  return parseBlock([]).nodes
}

type Token = { kind: 'text' | 'action'; text: string }

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let rest = source
  let trimNextText = false
  while (rest.length) {
    const open = rest.indexOf('{{')
    let text = open === -1 ? rest : rest.slice(0, open)
    if (trimNextText) text = text.replace(/^\s+/, '')
    trimNextText = false
    if (open === -1) {
      tokens.push({ kind: 'text', text })
      break
    }
    const close = rest.indexOf('}}', open + 2)
    if (close === -1) throw new TemplateError('unclosed action: missing }}')
    let inner = rest.slice(open + 2, close)
    if (inner.startsWith('- ') || inner === '-') {
      text = text.replace(/\s+$/, '')
      inner = inner.slice(1)
    }
    if (inner.endsWith(' -')) {
      trimNextText = true
      inner = inner.slice(0, -1)
    }
    tokens.push({ kind: 'text', text })
    const action = inner.trim()
    if (!(action.startsWith('/*') && action.endsWith('*/'))) tokens.push({ kind: 'action', text: action })
    rest = rest.slice(close + 2)
  }
  return tokens
}

function parseExpression(text: string): Expr {
  const words = splitWords(text)
  if (words.length === 0) throw new TemplateError('empty action {{}}')
  const [head, ...args] = words
  if (FUNCTIONS.has(head)) {
    if (args.length === 0) throw new TemplateError(`${head} needs arguments`)
    return { kind: 'call', fn: head, args: args.map(parseOperand) }
  }
  if (args.length) throw new TemplateError(`unsupported action {{${text}}}`)
  return parseOperand(head)
}

function parseOperand(word: string): Expr {
  if (word.startsWith('(') && word.endsWith(')')) return parseExpression(word.slice(1, -1))
  if (word === '.') return { kind: 'field', path: [] }
  if (/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(word)) return { kind: 'field', path: word.slice(1).split('.') }
  if (word.startsWith('"')) return { kind: 'literal', value: JSON.parse(word) }
  if (word.startsWith('`') && word.endsWith('`')) return { kind: 'literal', value: word.slice(1, -1) }
  if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'literal', value: Number(word) }
  if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' }
  if (word === 'nil') return { kind: 'literal', value: null }
  throw new TemplateError(`unsupported operand "${word}"`)
}

/** Splits an action into words, keeping quoted strings and parenthesised groups whole. */
function splitWords(text: string): string[] {
  const words: string[] = []
  let i = 0
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++
      continue
    }
    const start = i
    if (text[i] === '"') {
      i++
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
      if (i >= text.length) throw new TemplateError(`unterminated string in {{${text}}}`)
      i++
    } else if (text[i] === '`') {
      i = text.indexOf('`', i + 1) + 1
      if (i === 0) throw new TemplateError(`unterminated raw string in {{${text}}}`)
    } else if (text[i] === '(') {
      let depth = 0
      do {
        if (text[i] === '(') depth++
        else if (text[i] === ')') depth--
        i++
      } while (i < text.length && depth > 0)
      if (depth !== 0) throw new TemplateError(`unbalanced parentheses in {{${text}}}`)
    } else {
      while (i < text.length && !/\s/.test(text[i])) i++
    }
    words.push(text.slice(start, i))
  }
  return words
}

function evaluate(expr: Expr, data: unknown): unknown {
  if (expr.kind === 'literal') return expr.value
  if (expr.kind === 'field') {
    let value: unknown = data
    for (const key of expr.path) {
      if (value === null || value === undefined || typeof value !== 'object') return undefined
      value = (value as Record<string, unknown>)[key]
    }
    return value
  }
  const values = expr.args.map((arg) => evaluate(arg, data))
  switch (expr.fn) {
    case 'eq':
      return values.slice(1).some((v) => isEqual(values[0], v))
    case 'ne':
      return !isEqual(values[0], values[1])
    case 'not':
      return !isTruthy(values[0])
    case 'and':
      return values.find((v) => !isTruthy(v)) ?? values[values.length - 1]
    case 'or':
      return values.find((v) => isTruthy(v)) ?? values[values.length - 1]
  }
  throw new TemplateError(`unknown function ${expr.fn}`)
}

// Go's eq treats a missing value as unequal to anything rather than failing.
function isEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false
  return a === b
}

function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

function renderNodes(nodes: Node[], data: Record<string, unknown>): string {
  let out = ''
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text
    else if (node.kind === 'output') out += escapeHtml(stringify(evaluate(node.expr, data)))
    else {
      const branch = node.branches.find((b) => isTruthy(evaluate(b.cond, data)))
      out += renderNodes(branch ? branch.body : node.otherwise, data)
    }
  }
  return out
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[ch]!)
}
