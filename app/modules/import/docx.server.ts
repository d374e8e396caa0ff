// .docx through mammoth: it reads the OOXML package, resolves styles and numbering, and
// writes plain semantic HTML, which html.ts turns into manuscript blocks.
import mammoth from 'mammoth'
import { ImportError } from './errors.ts'
import { readHtml } from './html.ts'
import type { SourceBlock } from './source.ts'
import type { ImportWarnings } from './warnings.ts'

/** OLE compound file: what Word writes for a password-protected .docx (and for old .doc files). */
const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04]

const STYLE_MAP = [
  "p[style-name='Title'] => p.title:fresh",
  "p[style-name='Subtitle'] => p.subtitle:fresh",
  "p[style-name='Heading 1'] => h1:fresh",
  "p[style-name='Heading 2'] => h2:fresh",
  "p[style-name='Heading 3'] => h3:fresh",
  "p[style-name='Heading 4'] => h4:fresh",
  "p[style-name='Heading 5'] => h5:fresh",
  "p[style-name='Heading 6'] => h6:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  'b => strong',
  'i => em',
  'u => u',
]

/** What the unpacked parts of a .docx may add up to: a novel's document.xml is a few MB. */
export const MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024

/**
 * Sum of the uncompressed sizes in the zip's central directory, read before inflating
 * anything so a zip bomb is refused instead of exhausting memory. `null` when the
 * directory cannot be read (mammoth then reports the package as corrupt).
 */
export function unpackedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let eocd = -1
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      eocd = at
      break
    }
  }
  if (eocd < 0) return null
  const entries = view.getUint16(eocd + 10, true)
  let at = view.getUint32(eocd + 16, true)
  let total = 0
  for (let entry = 0; entry < entries; entry++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return null
    const size = view.getUint32(at + 24, true)
    // 0xFFFFFFFF means a ZIP64 size: no Word document part is that large.
    total += size === 0xffffffff ? Infinity : size
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true)
  }
  return total
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte)
}

function containsUtf16(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(text, 'utf16le'))
}

export async function readDocx(bytes: Uint8Array, warnings: ImportWarnings): Promise<SourceBlock[]> {
  if (startsWith(bytes, CFB_SIGNATURE)) {
    // A Word 97-2003 file has a "WordDocument" stream and no encryption streams.
    if (containsUtf16(bytes, 'WordDocument') && !containsUtf16(bytes, 'EncryptedPackage')) {
      throw new ImportError('unsupported_type', 'Legacy Word 97-2003 (.doc) file named .docx')
    }
    throw new ImportError('encrypted_docx', 'Password-protected .docx (OLE compound file)')
  }
  if (!startsWith(bytes, ZIP_SIGNATURE)) throw new ImportError('corrupt_docx', 'Not a zip package')
  const unpacked = unpackedSize(bytes)
  if (unpacked !== null && unpacked > MAX_DOCX_UNPACKED_BYTES) {
    throw new ImportError('too_large', `The .docx unpacks to ${unpacked} bytes; the limit is ${MAX_DOCX_UNPACKED_BYTES}`)
  }

  let html: string
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        // Never follow links to files outside the package (images linked by path).
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(async () => {
          warnings.add({ code: 'images_dropped' })
          return { src: '' }
        }),
      },
    )
    html = result.value
  } catch (error) {
    throw new ImportError('corrupt_docx', `mammoth could not read the package: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  return readHtml(html, warnings)
}
