import { Form, Link } from '@remix-run/react'
import { useT } from '~/utils/i18n.ts'
import { Notice } from './ui/notice.tsx'

/** "X was moved to the trash" with an Undo that restores it and opens it again. */
export function TrashedNotice({
  workspaceId,
  kind,
  id,
  title,
  message,
}: {
  workspaceId: string
  kind: 'book' | 'chapter'
  id: string
  /** The trashed item's title: names the Undo button apart from the editor's own undo. */
  title: string
  message: string
}) {
  const t = useT()
  return (
    <Notice tone="success">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <span className="flex-1">{message}</span>
        <Form method="post" action={`/w/${workspaceId}/trash`} className="inline">
          <input type="hidden" name="intent" value={kind === 'book' ? 'restoreBook' : 'restoreChapter'} />
          <input type="hidden" name="id" value={id} />
          <input type="hidden" name="then" value="open" />
          <button type="submit" aria-label={t('trash.undoLabel', { title })} className="font-semibold text-violet-brand underline-offset-2 hover:underline">
            {t('trash.undo')}
          </button>
        </Form>
        <Link to={`/w/${workspaceId}/trash`} className="font-medium text-violet-brand underline-offset-2 hover:underline">
          {t('trash.openTrash')}
        </Link>
      </div>
    </Notice>
  )
}
