// The first-run wizard's state: one public.onboarding_progress row per person, read and
// written under their own RLS. Which step comes next is derived from that row and from what
// exists (the book of step 1 still open), so the wizard resumes where it was left.
// See docs/decisions/022-onboarding.md.
import type { Tx } from '~/utils/db.server.ts'
import { getOpenBook } from '../books/books.server.ts'
import { listOutline } from '../chapters/chapters.server.ts'

export type KeyStep = 'saved' | 'platform' | 'skipped'

type OnboardingRow = {
  tenantId: string | null
  bookId: string | null
  keyStep: KeyStep | null
  finishedAt: Date | null
  dismissedAt: Date | null
}

export type WizardStep = 1 | 2 | 3
export type OnboardingState = { closed: true } | { closed: false; step: WizardStep; bookId: string | null; bookTitle: string | null; keyStep: KeyStep | null }

async function getOnboardingRow({ tx }: { tx: Tx }): Promise<OnboardingRow | null> {
  const rows = await tx<OnboardingRow[]>`
    select tenant_id as "tenantId", book_id as "bookId", key_step as "keyStep", finished_at as "finishedAt", dismissed_at as "dismissedAt"
    from public.onboarding_progress
    where user_id = (select auth.uid())`
  return rows[0] ?? null
}

/** Where the caller stands in this workspace's wizard. Progress made in another workspace does not carry over. */
export async function getOnboardingState({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<OnboardingState> {
  const row = await getOnboardingRow({ tx })
  if (row?.finishedAt || row?.dismissedAt) return { closed: true }
  const here = row && row.tenantId === workspaceId ? row : null
  const book = here?.bookId ? await getOpenBook({ tx, bookId: here.bookId, workspaceId }) : null
  if (!here || !book) return { closed: false, step: 1, bookId: null, bookTitle: null, keyStep: null }
  return { closed: false, step: here.keyStep ? 3 : 2, bookId: book.id, bookTitle: book.title, keyStep: here.keyStep }
}

/**
 * What the workspace home offers: nothing once the wizard is closed; "continue" when it is under
 * way in this workspace; "start" when this workspace has no book yet (a new writer or a new
 * workspace); otherwise nothing — people who already write need no introduction.
 */
export async function getOnboardingOffer({ tx, workspaceId, hasBooks }: { tx: Tx; workspaceId: string; hasBooks: boolean }): Promise<{ kind: 'start' } | { kind: 'continue'; step: WizardStep } | null> {
  const state = await getOnboardingState({ tx, workspaceId })
  if (state.closed) return null
  if (state.step > 1) return { kind: 'continue', step: state.step }
  return hasBooks ? null : { kind: 'start' }
}

/**
 * Serialises the caller's wizard steps until the end of the transaction: two submissions of
 * the same step at once (a double click, a resent form) otherwise both read "step 1" and both
 * create a book. Re-read the state after taking it.
 */
export async function lockOnboarding({ tx }: { tx: Tx }): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended('onboarding:' || (select auth.uid())::text, 0))`
}

/** Step 1 done: the wizard now runs in this workspace with this book; step 2 starts over. */
export async function recordBook({ tx, workspaceId, bookId }: { tx: Tx; workspaceId: string; bookId: string }): Promise<void> {
  await tx`
    insert into public.onboarding_progress (user_id, tenant_id, book_id, key_step)
    values ((select auth.uid()), ${workspaceId}, ${bookId}, null)
    on conflict (user_id) do update set tenant_id = excluded.tenant_id, book_id = excluded.book_id, key_step = null`
}

export async function recordKeyStep({ tx, keyStep }: { tx: Tx; keyStep: KeyStep }): Promise<void> {
  await tx`update public.onboarding_progress set key_step = ${keyStep} where user_id = (select auth.uid())`
}

export async function finishOnboarding({ tx }: { tx: Tx }): Promise<void> {
  await tx`update public.onboarding_progress set finished_at = coalesce(finished_at, now()) where user_id = (select auth.uid())`
}

/**
 * "Not now" / "Skip the setup": closed for good, also when it was never started. The row moves
 * to the workspace it is dismissed in (a closed wizard needs no book): left pointing at a
 * workspace the person was removed from, the update failed the row's RLS check and "Not now"
 * answered "forbidden" for ever.
 */
export async function dismissOnboarding({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<void> {
  await tx`
    insert into public.onboarding_progress (user_id, tenant_id, dismissed_at)
    values ((select auth.uid()), ${workspaceId}, now())
    on conflict (user_id) do update
      set dismissed_at = coalesce(public.onboarding_progress.dismissed_at, now()), tenant_id = excluded.tenant_id, book_id = null`
}

/** The first chapter of the book, in reading order; null when the book has none left. */
export async function firstChapterId({ tx, bookId }: { tx: Tx; bookId: string }): Promise<string | null> {
  return (await listOutline({ tx, bookId }))[0]?.id ?? null
}
