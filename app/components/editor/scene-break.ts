// A scene break: one atom block, shown as a centred `* * *`, stored as `sceneBreak` in the
// manuscript format and exported as each format's scene break. Typing `***` and a space on
// an empty line inserts one, as does Mod-Alt-Enter.
import { Node, nodeInputRule } from '@tiptap/core'

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    sceneBreak: { insertSceneBreak: () => ReturnType }
  }
}

export const SceneBreak = Node.create({
  name: 'sceneBreak',
  group: 'block',
  atom: true,
  selectable: true,
  parseHTML: () => [{ tag: 'div[data-scene-break]' }, { tag: 'hr' }],
  renderHTML: () => ['div', { 'data-scene-break': '', class: 'scene-break', role: 'separator', 'aria-label': '* * *' }],
  addCommands() {
    return {
      insertSceneBreak:
        () =>
        ({ chain }) =>
          chain().insertContent([{ type: this.name }, { type: 'paragraph' }]).run(),
    }
  },
  addKeyboardShortcuts() {
    return { 'Mod-Alt-Enter': () => this.editor.commands.insertSceneBreak() }
  },
  addInputRules() {
    return [nodeInputRule({ find: /^(?:\*\s?\*\s?\*)\s$/, type: this.type })]
  },
})
