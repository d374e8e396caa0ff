// The workspace home's invitation to the first-run wizard (decision 022): "start" while the
// workspace has no book, "continue" when it was left half-way; "Not now" closes it for good.
import { Form, Link } from '@remix-run/react'
import { buttonClass } from '~/components/ui/button.tsx'
import { useT } from '~/utils/i18n.ts'

export type OnboardingOffer = { kind: 'start' } | { kind: 'continue'; step: 1 | 2 | 3 }

export function OnboardingCard({ workspaceId, offer }: { workspaceId: string; offer: OnboardingOffer }) {
  const t = useT()
  const resuming = offer.kind === 'continue'
  return (
    <section className="flex flex-wrap items-center justify-between gap-4 rounded-2xl bg-indigo-brand p-6 text-white shadow-sm" aria-labelledby="onboarding-card-title" data-testid="onboarding-card">
      <div className="max-w-xl">
        <h2 id="onboarding-card-title" className="font-serif text-xl font-semibold">
          {resuming ? t('onboarding.card.continueTitle') : t('onboarding.card.title')}
        </h2>
        <p className="mt-1 text-sm leading-6 text-slate-200">{resuming ? t('onboarding.card.continueBody', { step: offer.step }) : t('onboarding.card.body')}</p>
      </div>
      <div className="flex items-center gap-2">
        <Link to={`/w/${workspaceId}/welcome`} className={buttonClass('secondary')}>
          {resuming ? t('onboarding.card.continue') : t('onboarding.card.start')}
        </Link>
        <Form method="post" action={`/w/${workspaceId}/welcome`}>
          <input type="hidden" name="intent" value="dismiss" />
          <button type="submit" className="rounded-lg px-3 py-2.5 text-sm font-medium text-slate-200 hover:bg-white/10 hover:text-white">
            {t('onboarding.card.notNow')}
          </button>
        </Form>
      </div>
    </section>
  )
}
