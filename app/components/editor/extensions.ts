// Every extension of the chapter editor, configured in one place. The set mirrors the
// manuscript format (app/modules/manuscript/schema.ts) exactly: what the editor can
// produce, the server accepts, and nothing else.
import { Focus, Placeholder } from '@tiptap/extensions'
import Typography from '@tiptap/extension-typography'
import StarterKit from '@tiptap/starter-kit'
import { SceneBreak } from './scene-break.ts'

export function chapterExtensions({ placeholder }: { placeholder: string }) {
  return [
    StarterKit.configure({
      heading: { levels: [1, 2, 3] },
      // Not part of the manuscript format.
      code: false,
      codeBlock: false,
      horizontalRule: false,
      link: false,
      strike: false,
    }),
    // Typographic quotes and dashes: "--" becomes the em dash Portuguese dialogue uses.
    Typography.configure({
      oneHalf: false,
      oneQuarter: false,
      threeQuarters: false,
      plusMinus: false,
      notEqual: false,
      laquo: false,
      raquo: false,
      multiplication: false,
      superscriptTwo: false,
      superscriptThree: false,
    }),
    SceneBreak,
    Placeholder.configure({ placeholder }),
    Focus.configure({ className: 'has-focus', mode: 'shallowest' }),
  ]
}
