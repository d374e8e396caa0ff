// Any address no route owns is a friendly 404 page, not a crash.
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'

export async function loader() {
  throw new Response('Not found', { status: 404 })
}

export default function NotFound() {
  return null
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
