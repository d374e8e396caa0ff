// EPUB 3 export, zipped with jszip: a title page, a table of contents (nav.xhtml, plus
// toc.ncx for EPUB 2 readers), one XHTML file per chapter and a small stylesheet. Every piece
// of text passes through escapeXml, so a writer's "<" or "&" can never break the XHTML.
import { randomUUID } from 'node:crypto'
import JSZip from 'jszip'
import type { ManuscriptBlock, ManuscriptInline } from '../manuscript/schema.ts'
import { SCENE_BREAK_TEXT } from '../manuscript/plain-text.ts'
import { bookTitle, chapterTitle, cleanText, escapeXml, type ExportBook, languageTag, wordsFor } from './book.ts'

export type EpubOptions = {
  /** The book's stable identifier (a UUID): readers use it to tell editions apart. New one if omitted. */
  identifier?: string
  modifiedAt?: Date
}

const STYLESHEET = `body { margin: 0 5%; line-height: 1.5; }
h1 { text-align: center; margin: 3em 0 2em; font-weight: normal; }
h2, h3, h4 { margin: 1.5em 0 0.5em; }
p { margin: 0; text-indent: 1.5em; }
h1 + p, h2 + p, h3 + p, h4 + p, .scene-break + p, blockquote p, li p, p.align-center, p.align-right { text-indent: 0; }
.scene-break { text-align: center; text-indent: 0; margin: 1em 0; }
.align-center { text-align: center; }
.align-right { text-align: right; }
.align-justify { text-align: justify; }
blockquote { margin: 1em 2em; }
.title-page { text-align: center; margin-top: 30%; }
.title-page .title { font-size: 2em; }
.title-page .author { margin-top: 2em; }
`

function chapterFile(index: number): string {
  return `chapter-${String(index + 1).padStart(3, '0')}.xhtml`
}

function inlineXhtml(content: ManuscriptInline[] | undefined): string {
  return (content ?? [])
    .map((node) => {
      if (node.type === 'hardBreak') return '<br/>'
      let html = escapeXml(node.text)
      const marks = new Set((node.marks ?? []).map((mark) => mark.type))
      if (marks.has('underline')) html = `<u>${html}</u>`
      if (marks.has('bold')) html = `<strong>${html}</strong>`
      if (marks.has('italic')) html = `<em>${html}</em>`
      return html
    })
    .join('')
}

function blockXhtml(block: ManuscriptBlock): string {
  switch (block.type) {
    case 'paragraph': {
      const align = block.attrs?.textAlign
      const className = align && align !== 'left' ? ` class="align-${align}"` : ''
      // An empty paragraph still takes a line in the editor; keep it as one.
      return `<p${className}>${inlineXhtml(block.content) || '<br/>'}</p>`
    }
    case 'heading': {
      const tag = `h${block.attrs.level + 1}`
      const text = inlineXhtml(block.content)
      return text === '' ? '' : `<${tag}>${text}</${tag}>`
    }
    case 'sceneBreak':
      return `<p class="scene-break">${SCENE_BREAK_TEXT}</p>`
    case 'blockquote':
      return `<blockquote>${blocksXhtml(block.content)}</blockquote>`
    case 'bulletList':
      return `<ul>${block.content.map((item) => `<li>${blocksXhtml(item.content)}</li>`).join('')}</ul>`
    case 'orderedList': {
      const start = block.attrs?.start ?? 1
      return `<ol${start === 1 ? '' : ` start="${start}"`}>${block.content.map((item) => `<li>${blocksXhtml(item.content)}</li>`).join('')}</ol>`
    }
  }
}

function blocksXhtml(blocks: ManuscriptBlock[]): string {
  return blocks.map(blockXhtml).filter(Boolean).join('\n')
}

function xhtmlPage({ language, title, body, bodyType }: { language: string; title: string; body: string; bodyType?: string }): string {
  const lang = escapeXml(language)
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${lang}" lang="${lang}">
<head>
<meta charset="UTF-8"/>
<title>${escapeXml(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body${bodyType ? ` epub:type="${bodyType}"` : ''}>
${body}
</body>
</html>
`
}

const CONTAINER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`

// dcterms:modified must be CCYY-MM-DDThh:mm:ssZ, without fractions of a second.
function epubDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export async function toEpub(book: ExportBook, options: EpubOptions = {}): Promise<Uint8Array> {
  const identifier = `urn:uuid:${options.identifier ?? randomUUID()}`
  const language = languageTag(book.language)
  const title = bookTitle(book)
  const author = cleanText(book.author).trim()
  const words = wordsFor(language)
  const chapters = book.chapters.map((chapter, index) => ({ file: chapterFile(index), title: chapterTitle(book, index), doc: chapter.doc }))

  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${escapeXml(language)}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">${escapeXml(identifier)}</dc:identifier>
    <dc:title>${escapeXml(title)}</dc:title>
    <dc:language>${escapeXml(language)}</dc:language>
${author === '' ? '' : `    <dc:creator id="author">${escapeXml(author)}</dc:creator>\n`}    <meta property="dcterms:modified">${epubDate(options.modifiedAt ?? new Date())}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="css" href="style.css" media-type="text/css"/>
    <item id="title-page" href="title.xhtml" media-type="application/xhtml+xml"/>
${chapters.map((chapter, index) => `    <item id="chapter-${index + 1}" href="${chapter.file}" media-type="application/xhtml+xml"/>`).join('\n')}
  </manifest>
  <spine toc="ncx">
    <itemref idref="title-page"/>
${chapters.map((_, index) => `    <itemref idref="chapter-${index + 1}"/>`).join('\n')}
  </spine>
</package>
`

  const nav = xhtmlPage({
    language,
    title: words.contents,
    body: `<nav epub:type="toc" id="toc">
<h1>${escapeXml(words.contents)}</h1>
<ol>
${chapters.map((chapter) => `<li><a href="${chapter.file}">${escapeXml(chapter.title)}</a></li>`).join('\n')}
</ol>
</nav>
<nav epub:type="landmarks" id="landmarks" hidden="hidden">
<ol>
<li><a epub:type="titlepage" href="title.xhtml">${escapeXml(words.titlePage)}</a></li>
${chapters.length === 0 ? '' : `<li><a epub:type="bodymatter" href="${chapters[0].file}">${escapeXml(chapters[0].title)}</a></li>\n`}</ol>
</nav>`,
  })

  const ncx = `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="${escapeXml(language)}">
  <head>
    <meta name="dtb:uid" content="${escapeXml(identifier)}"/>
    <meta name="dtb:depth" content="1"/>
    <meta name="dtb:totalPageCount" content="0"/>
    <meta name="dtb:maxPageNumber" content="0"/>
  </head>
  <docTitle><text>${escapeXml(title)}</text></docTitle>
  <navMap>
    <navPoint id="title-page" playOrder="1"><navLabel><text>${escapeXml(words.titlePage)}</text></navLabel><content src="title.xhtml"/></navPoint>
${chapters
  .map(
    (chapter, index) =>
      `    <navPoint id="nav-chapter-${index + 1}" playOrder="${index + 2}"><navLabel><text>${escapeXml(chapter.title)}</text></navLabel><content src="${chapter.file}"/></navPoint>`,
  )
  .join('\n')}
  </navMap>
</ncx>
`

  const titlePage = xhtmlPage({
    language,
    title,
    bodyType: 'frontmatter',
    body: `<section class="title-page" epub:type="titlepage">
<h1 class="title">${escapeXml(title)}</h1>
${author === '' ? '' : `<p class="author">${escapeXml(author)}</p>\n`}</section>`,
  })

  const zip = new JSZip()
  // The mimetype entry must come first and be stored uncompressed: readers sniff it at a fixed offset.
  zip.file('mimetype', 'application/epub+zip', { compression: 'STORE' })
  zip.file('META-INF/container.xml', CONTAINER_XML)
  zip.file('OEBPS/content.opf', opf)
  zip.file('OEBPS/nav.xhtml', nav)
  zip.file('OEBPS/toc.ncx', ncx)
  zip.file('OEBPS/style.css', STYLESHEET)
  zip.file('OEBPS/title.xhtml', titlePage)
  for (const chapter of chapters) {
    zip.file(
      `OEBPS/${chapter.file}`,
      xhtmlPage({
        language,
        title: chapter.title,
        bodyType: 'bodymatter',
        body: `<section epub:type="chapter">
<h1>${escapeXml(chapter.title)}</h1>
${blocksXhtml(chapter.doc.content)}
</section>`,
      }),
    )
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } })
}
