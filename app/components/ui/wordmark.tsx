import { Link } from '@remix-run/react'

/** The brand wordmark: always lower case, with the mint "flow" dot. */
export function Wordmark({ to = '/', className = '' }: { to?: string; className?: string }) {
  return (
    <Link to={to} className={`inline-flex items-baseline gap-0.5 font-serif text-2xl font-semibold tracking-tight text-indigo-brand ${className}`}>
      flowstory<span aria-hidden className="inline-block h-2 w-2 rounded-full bg-mint-brand" />
    </Link>
  )
}
