// A small Portuguese book that uses every part of the manuscript format, for export tests.
import { ManuscriptDocSchema } from '../manuscript/schema.ts'
import type { ExportBook } from './book.ts'

const chapterOne = ManuscriptDocSchema.parse({
  type: 'doc',
  content: [
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Uma noite destas, vindo da cidade para o ' },
        { type: 'text', text: 'Engenho Novo', marks: [{ type: 'italic' }] },
        { type: 'text', text: ', encontrei no trem da Central um rapaz ' },
        { type: 'text', text: 'aqui do bairro', marks: [{ type: 'bold' }] },
        { type: 'text', text: ', que eu conheço de vista & de chapéu <sempre>.' },
      ],
    },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: '— Continue, disse eu acordando. ' },
        { type: 'text', text: 'Já acabei', marks: [{ type: 'italic' }, { type: 'bold' }] },
        { type: 'text', text: ', murmurou ele.' },
      ],
    },
    { type: 'sceneBreak' },
    {
      type: 'blockquote',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Vive em paz, Dom Casmurro* — 1899.' }] }],
    },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Os vizinhos, que não gostam dos meus hábitos' },
        { type: 'hardBreak' },
        { type: 'text', text: 'reclusos e calados, deram curso à alcunha.' },
      ],
    },
  ],
})

const chapterTwo = ManuscriptDocSchema.parse({
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Do livro' }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'Agora que expliquei o título, passo a escrever o livro.' }] },
    {
      type: 'bulletList',
      content: [
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'atar as duas pontas da vida' }] }] },
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'restaurar na velhice a adolescência' }] }] },
      ],
    },
    { type: 'paragraph', attrs: { textAlign: 'center' }, content: [{ type: 'text', text: 'Fim', marks: [{ type: 'underline' }] }] },
  ],
})

export const SAMPLE_BOOK: ExportBook = {
  title: 'Dom Casmurro',
  author: 'Joaquim Maria Machado de Assis',
  language: 'pt-BR',
  chapters: [
    { title: 'Do título', doc: chapterOne },
    { title: 'Do livro', doc: chapterTwo },
  ],
}
