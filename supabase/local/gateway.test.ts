// The gateway answers every endpoint the stack does not implement with 501 naming it, so a
// missing stand-in feature is never mistaken for a success.
import { inject } from 'vitest'

const { SUPABASE_URL } = inject('stackEnv')

describe('local stack gateway', () => {
  it('answers unimplemented endpoints with 501 and the endpoint name', async () => {
    const response = await fetch(`${SUPABASE_URL}/rest/v1/books?select=*`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(501)
    const body = await response.json()
    expect(body.error_code).toBe('not_implemented')
    expect(body.msg).toContain('POST /rest/v1/books')
  })

  it('answers CORS preflight so browser clients can call it', async () => {
    const response = await fetch(`${SUPABASE_URL}/auth/v1/token`, { method: 'OPTIONS' })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey')
  })

  it('reports its health and the services it runs', async () => {
    const response = await fetch(`${SUPABASE_URL}/local/v1/health`)
    expect(response.status).toBe(200)
    expect((await response.json()).services).toEqual(expect.arrayContaining(['/auth/v1', '/storage/v1']))
  })
})
