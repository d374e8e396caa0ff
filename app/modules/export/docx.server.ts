// DOCX export in standard manuscript format (as agents and publishers ask for it): 12 pt
// Times New Roman, double spaced, 1-inch margins, 0.5" first-line indents, a title page with
// the word count, each chapter on a new page, and "Surname / TITLE / page" on every page after
// the title page. See docs/decisions/008-export.md.
import {
  AlignmentType,
  Document,
  Header,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Tab,
  TabStopType,
  TextRun,
  type IParagraphOptions,
} from 'docx'
import type { ManuscriptBlock, ManuscriptInline } from '../manuscript/schema.ts'
import {
  authorSurname,
  bookTitle,
  bookWordCount,
  chapterTitle,
  cleanText,
  type ExportBook,
  languageTag,
  roundedWordCount,
  wordsFor,
} from './book.ts'

const INCH = 1440 // twips
const HALF_INCH = INCH / 2
const FONT = 'Times New Roman'
const SIZE = 24 // half-points: 12 pt
const DOUBLE = 480 // 240ths of a line: double spacing
const SINGLE = 240

/** The manuscript's scene break: a centred "#", which a typesetter cannot mistake for text. */
export const DOCX_SCENE_BREAK = '#'

// US Letter for English manuscripts (the convention there), A4 everywhere else.
function pageSize(language: string): { width: number; height: number } {
  return languageTag(language).startsWith('en') ? { width: 12240, height: 15840 } : { width: 11906, height: 16838 }
}

type Context = { depth: number; prefix?: string }

function runs(content: ManuscriptInline[] | undefined): TextRun[] {
  return (content ?? []).flatMap((node) => {
    if (node.type === 'hardBreak') return [new TextRun({ break: 1 })]
    const text = cleanText(node.text)
    if (text === '') return []
    const marks = new Set((node.marks ?? []).map((mark) => mark.type))
    return [
      new TextRun({
        text,
        italics: marks.has('italic') || undefined,
        bold: marks.has('bold') || undefined,
        underline: marks.has('underline') ? {} : undefined,
      }),
    ]
  })
}

function alignmentOf(block: ManuscriptBlock): IParagraphOptions['alignment'] {
  if (block.type !== 'paragraph') return undefined
  // Manuscripts are never justified: ragged right is what editors read and mark up.
  if (block.attrs?.textAlign === 'center') return AlignmentType.CENTER
  if (block.attrs?.textAlign === 'right') return AlignmentType.RIGHT
  return undefined
}

function blockParagraphs(block: ManuscriptBlock, context: Context): Paragraph[] {
  const left = context.depth * HALF_INCH
  switch (block.type) {
    case 'paragraph': {
      const children = runs(block.content)
      if (children.length === 0) return []
      const alignment = alignmentOf(block)
      if (context.prefix !== undefined) {
        return [
          new Paragraph({
            children: [new TextRun({ children: [context.prefix, new Tab()] }), ...children],
            indent: { left, hanging: HALF_INCH / 2 + 180 },
            tabStops: [{ type: TabStopType.LEFT, position: left }],
          }),
        ]
      }
      return [
        new Paragraph({
          children,
          alignment,
          indent: { left, right: context.depth > 0 ? HALF_INCH : 0, firstLine: alignment ? 0 : HALF_INCH },
        }),
      ]
    }
    case 'heading': {
      const children = runs(block.content)
      if (children.length === 0) return []
      const heading = [HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4][block.attrs.level - 1]
      return [new Paragraph({ children, heading, indent: { left } })]
    }
    case 'sceneBreak':
      return [new Paragraph({ children: [new TextRun(DOCX_SCENE_BREAK)], alignment: AlignmentType.CENTER })]
    case 'blockquote':
      return block.content.flatMap((inner) => blockParagraphs(inner, { depth: context.depth + 1 }))
    case 'bulletList':
    case 'orderedList': {
      const start = block.type === 'orderedList' ? (block.attrs?.start ?? 1) : 1
      return block.content.flatMap((item, index) =>
        item.content.flatMap((inner, innerIndex) =>
          blockParagraphs(inner, {
            depth: context.depth + 1,
            // Only an item's first paragraph carries the marker; the rest align under its text.
            prefix: innerIndex === 0 ? (block.type === 'bulletList' ? '•' : `${start + index}.`) : '',
          }),
        ),
      )
    }
  }
}

function titlePage(book: ExportBook, textWidth: number, pageHeight: number): Paragraph[] {
  const words = wordsFor(book.language)
  const count = roundedWordCount(bookWordCount(book))
  const formattedCount = `${new Intl.NumberFormat(languageTag(book.language)).format(count)} ${words.words}`
  const author = cleanText(book.author).trim()
  const single = { line: SINGLE, lineRule: LineRuleType.AUTO, before: 0, after: 0 }
  return [
    new Paragraph({
      children: [new TextRun(author), new TextRun({ children: [new Tab(), formattedCount] })],
      tabStops: [{ type: TabStopType.RIGHT, position: textWidth }],
      spacing: single,
      indent: { firstLine: 0 },
    }),
    // The title sits halfway down the page.
    new Paragraph({
      children: [new TextRun(bookTitle(book))],
      alignment: AlignmentType.CENTER,
      spacing: { ...single, before: Math.round(pageHeight / 2 - INCH - SINGLE * 2) },
      indent: { firstLine: 0 },
    }),
    ...(author === ''
      ? []
      : [
          new Paragraph({
            children: [new TextRun(`${words.by} ${author}`)],
            alignment: AlignmentType.CENTER,
            spacing: { line: DOUBLE, lineRule: LineRuleType.AUTO, before: SINGLE, after: 0 },
            indent: { firstLine: 0 },
          }),
        ]),
  ]
}

function runningHeader(book: ExportBook): Header {
  const surname = authorSurname(book.author)
  const title = bookTitle(book).toLocaleUpperCase(languageTag(book.language))
  const text = `${surname === '' ? '' : `${surname} / `}${title} / `
  return new Header({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: { line: SINGLE, lineRule: LineRuleType.AUTO },
        indent: { firstLine: 0 },
        children: [new TextRun({ children: [text, PageNumber.CURRENT] })],
      }),
    ],
  })
}

function chapterParagraphs(book: ExportBook, index: number): Paragraph[] {
  return [
    // Chapter titles start a third of the way down a new page, as manuscript format asks.
    new Paragraph({
      children: [new TextRun(chapterTitle(book, index))],
      heading: HeadingLevel.HEADING_1,
      pageBreakBefore: index > 0,
    }),
    ...book.chapters[index].doc.content.flatMap((block) => blockParagraphs(block, { depth: 0 })),
  ]
}

export async function toDocx(book: ExportBook): Promise<Uint8Array> {
  const size = pageSize(book.language)
  const margin = { top: INCH, right: INCH, bottom: INCH, left: INCH, header: HALF_INCH, footer: HALF_INCH }
  const page = { size, margin }
  const headingRun = { font: FONT, size: SIZE, bold: false, italics: false, color: '000000' }
  const headingStyle = (id: string, name: string, outlineLevel: number, bold: boolean) => ({
    id,
    name,
    basedOn: 'Normal',
    next: 'Normal',
    quickFormat: true,
    run: { ...headingRun, bold },
    paragraph: { outlineLevel, keepNext: true, indent: { firstLine: 0 }, spacing: { line: DOUBLE, before: 0, after: 0 } },
  })
  const document = new Document({
    title: bookTitle(book),
    creator: cleanText(book.author).trim() || undefined,
    styles: {
      default: {
        document: {
          run: { font: FONT, size: SIZE, language: { value: languageTag(book.language) } },
          paragraph: { spacing: { line: DOUBLE, lineRule: LineRuleType.AUTO, before: 0, after: 0 } },
        },
      },
      paragraphStyles: [
        {
          ...headingStyle('Heading1', 'Heading 1', 0, false),
          paragraph: {
            outlineLevel: 0,
            keepNext: true,
            alignment: AlignmentType.CENTER,
            indent: { firstLine: 0 },
            spacing: { line: DOUBLE, before: Math.round((size.height - 2 * INCH) / 3), after: DOUBLE },
          },
        },
        headingStyle('Heading2', 'Heading 2', 1, true),
        headingStyle('Heading3', 'Heading 3', 2, true),
        headingStyle('Heading4', 'Heading 4', 3, true),
      ],
    },
    sections: [
      { properties: { page }, children: titlePage(book, size.width - 2 * INCH, size.height) },
      {
        properties: { page: { ...page, pageNumbers: { start: 1 } } },
        headers: { default: runningHeader(book) },
        children: book.chapters.flatMap((_, index) => chapterParagraphs(book, index)),
      },
    ],
  })
  return new Uint8Array(await Packer.toBuffer(document))
}
