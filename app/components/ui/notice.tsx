import type { ReactNode } from 'react'

type Tone = 'info' | 'success' | 'error'

const tones: Record<Tone, string> = {
  info: 'bg-violet-50 text-indigo-brand ring-violet-200',
  success: 'bg-emerald-50 text-emerald-900 ring-mint-brand/60',
  error: 'bg-rose-50 text-rose-800 ring-rose-200',
}

export function Notice({ tone = 'info', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-lg px-4 py-3 text-sm ring-1 ring-inset ${tones[tone]}`}>
      {children}
    </div>
  )
}
