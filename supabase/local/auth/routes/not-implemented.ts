// Real GoTrue endpoints and features the stand-in does not implement answer 501 with the
// endpoint's name (the gateway's convention), never a silent success.
import { json } from '../../http.ts'

export function notImplementedFeature(req: Request, url: URL, feature: string): Response {
  const endpoint = `${req.method} ${url.pathname}`
  return json(
    { code: 501, error_code: 'not_implemented', msg: `The local stack does not implement ${endpoint} (${feature})`, endpoint },
    501,
  )
}
