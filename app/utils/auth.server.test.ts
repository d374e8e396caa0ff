import { safeRedirectPath } from './auth.server.ts'

describe('where sign-in may send a writer next', () => {
  it('follows same-site paths with their query', () => {
    expect(safeRedirectPath('/w/123/settings?tab=1')).toBe('/w/123/settings?tab=1')
  })

  it('refuses anything that could leave the site', () => {
    for (const hostile of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, undefined]) {
      expect(safeRedirectPath(hostile), String(hostile)).toBe('/app')
    }
  })
})
