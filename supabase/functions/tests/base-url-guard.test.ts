// The SSRF guard: a workspace's own provider on a private, loopback or link-local address is
// refused before any request leaves the function; public addresses and the platform's
// provider are called as before.
import assert from 'node:assert/strict'
import { createFakeOpenAI, DEFAULT_API_KEY } from '../../../tests/fakes/fake-openai.ts'
import { createProviderClient, toProviderError, type ResolvedProvider } from '../_shared/ai-provider.ts'
import { assertPublicUrl, isNonPublicAddress, UnsafeBaseUrlError, type ResolveHost } from '../_shared/base-url-guard.ts'
import './helpers.ts'

Deno.test('addresses of private, loopback, link-local and reserved networks are not public', () => {
  const nonPublic = [
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1',
    '::1', '::', 'fe80::1', 'fd00::abcd', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1', '2002:c0a8:0101::1', 'not-an-address',
  ]
  for (const address of nonPublic) assert.equal(isNonPublicAddress(address), true, address)
  const isPublic = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']
  for (const address of isPublic) assert.equal(isNonPublicAddress(address), false, address)
})

Deno.test('a URL is refused by its literal address, its name, or what its name resolves to', async () => {
  const dns: Record<string, string[]> = {
    'llm.example': ['93.184.216.34'],
    'sneaky.example': ['93.184.216.34', '10.0.0.7'],
    'metadata.example': ['fd00:ec2::254'],
  }
  const resolve: ResolveHost = (host) => Promise.resolve(dns[host] ?? [])
  await assertPublicUrl('https://llm.example/v1', resolve)
  await assertPublicUrl('https://93.184.216.34/v1', resolve)
  for (const url of [
    'http://127.0.0.1:11434/v1', 'http://localhost:8000/v1', 'http://api.localhost/v1', 'http://[::1]:8000/v1',
    'http://169.254.169.254/latest/meta-data', 'http://2130706433/v1', 'http://0x7f.1/v1',
    'https://sneaky.example/v1', 'https://metadata.example/v1',
  ]) {
    await assert.rejects(assertPublicUrl(url, resolve), UnsafeBaseUrlError, url)
  }
})

async function fakeServer() {
  const fake = createFakeOpenAI()
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, fake.handle)
  return { fake, baseURL: `http://127.0.0.1:${server.addr.port}/v1`, close: () => server.shutdown() }
}

Deno.test('a workspace\'s own provider on a loopback address is refused as unsafe_base_url, and never called', async () => {
  const { fake, baseURL, close } = await fakeServer()
  try {
    const own: ResolvedProvider = { source: 'own', providerId: crypto.randomUUID(), baseURL, apiKey: DEFAULT_API_KEY, model: 'gpt-4o-mini' }
    const client = createProviderClient(own, { allowPrivateBaseUrls: false, maxRetries: 1 })
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => null,
      (caught: unknown) => caught,
    )
    const mapped = toProviderError(error, 'gpt-4o-mini')
    assert.equal(mapped.code, 'unsafe_base_url')
    assert.equal(mapped.status, 422)
    assert.doesNotMatch(mapped.message, new RegExp(DEFAULT_API_KEY))
    assert.equal(fake.calls.length, 0)
  } finally {
    await close()
  }
})

Deno.test('the same provider is called when private base URLs are allowed, and the platform provider always', async () => {
  const { fake, baseURL, close } = await fakeServer()
  try {
    const own: ResolvedProvider = { source: 'own', providerId: crypto.randomUUID(), baseURL, apiKey: DEFAULT_API_KEY, model: 'gpt-4o-mini' }
    const allowed = await createProviderClient(own, { allowPrivateBaseUrls: true }).models.list()
    assert.ok(allowed.data.length > 0)
    const platform: ResolvedProvider = { ...own, source: 'platform', providerId: null }
    const trusted = await createProviderClient(platform, { allowPrivateBaseUrls: false }).models.list()
    assert.ok(trusted.data.length > 0)
    assert.equal(fake.calls.length, 2)
  } finally {
    await close()
  }
})
