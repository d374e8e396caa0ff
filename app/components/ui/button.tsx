import type { ButtonHTMLAttributes } from 'react'

type Variant = 'primary' | 'secondary' | 'ghost'

const styles: Record<Variant, string> = {
  primary: 'bg-violet-brand text-white hover:bg-[#5a51f0] focus-visible:outline-violet-brand disabled:opacity-60',
  secondary: 'bg-white text-indigo-brand ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-violet-brand',
  ghost: 'text-indigo-brand hover:bg-slate-100 focus-visible:outline-violet-brand',
}

export function buttonClass(variant: Variant = 'primary', extra = '') {
  return `inline-flex items-center justify-center gap-2 rounded-lg px-4 py-2.5 text-sm font-semibold shadow-sm transition focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 ${styles[variant]} ${extra}`
}

export function Button({ variant = 'primary', className = '', ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button className={buttonClass(variant, className)} {...props} />
}
