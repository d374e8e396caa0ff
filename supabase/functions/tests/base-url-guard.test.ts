// The SSRF guard: a workspace's own provider on a private, loopback or link-local address is
// refused before any request leaves the function; public addresses and the platform's
// provider are called as before.
import assert from 'node:assert/strict'
import { DEFAULT_API_KEY } from '../../../tests/fakes/fake-openai.ts'
import { createProviderClient, toProviderError, type ResolvedProvider } from '../_shared/ai-provider.ts'
import OpenAI from 'openai'
import { assertPublicUrl, guardedFetch, isNonPublicAddress, UnsafeBaseUrlError, type ResolveHost } from '../_shared/base-url-guard.ts'
import { serveFakeOpenAI } from './helpers.ts'

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

Deno.test('IPv4-compatible, IPv4-translated, site-local and local-use NAT64 IPv6 addresses are not public when they hide a private one', () => {
  const nonPublic = [
    '::127.0.0.1', '::7f00:1', '::a9fe:a9fe', '::10.0.0.1', '::192.168.0.1', // IPv4-compatible (::a.b.c.d)
    '::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe', '::ffff:0:10.1.2.3', // IPv4-translated (::ffff:0:a.b.c.d)
    'fec0::1', 'feff::1', // deprecated site-local fec0::/10
    '64:ff9b:1::1', '64:ff9b:1:2::8.8.8.8', '64:ff9b:1:ffff::a00:1', // local-use NAT64 64:ff9b:1::/48
  ]
  for (const address of nonPublic) assert.equal(isNonPublicAddress(address), true, address)
  // The embedded address decides: a public IPv4 inside is public, as before.
  for (const address of ['::8.8.8.8', '::ffff:0:8.8.8.8', '64:ff9b::808:808']) assert.equal(isNonPublicAddress(address), false, address)
})

Deno.test('a name that resolves to no address at all is refused: fetch may still find one (/etc/hosts, mDNS) the guard never saw', async () => {
  const resolve: ResolveHost = (host) => Promise.resolve(host === 'llm.example' ? ['93.184.216.34'] : [])
  await assertPublicUrl('https://llm.example/v1', resolve)
  for (const url of ['https://nowhere.example/v1', 'http://printer.local/v1', 'http://db/v1']) {
    await assert.rejects(assertPublicUrl(url, resolve), UnsafeBaseUrlError, url)
  }
  // A resolver that fails (both lookups rejected) counts as no address.
  const failing: ResolveHost = () => Promise.reject(new Error('NXDOMAIN'))
  await assert.rejects(assertPublicUrl('https://broken.example/v1', failing), UnsafeBaseUrlError)
  // And through the real resolver: a name no DNS server knows.
  await assert.rejects(assertPublicUrl(`https://${crypto.randomUUID()}.invalid/v1`), UnsafeBaseUrlError)
})

Deno.test('a name that resolves to nothing never reaches the network through the guard; with private base URLs allowed it is called', async () => {
  const { fake, baseURL, close } = serveFakeOpenAI()
  const port = new URL(baseURL).port
  // The network as fetch sees it: "printer.local" answers (mDNS, /etc/hosts), DNS knows nothing.
  const calls: string[] = []
  const network: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    calls.push(url.hostname)
    url.hostname = '127.0.0.1'
    url.port = port
    return fetch(url, init)
  }
  const nothing: ResolveHost = () => Promise.resolve([])
  try {
    const guarded = new OpenAI({ baseURL: 'http://printer.local/v1', apiKey: DEFAULT_API_KEY, maxRetries: 0, fetch: guardedFetch(nothing, network) })
    const refused = await guarded.models.list().then(() => null, (e: unknown) => e)
    assert.equal(toProviderError(refused, 'gpt-4o-mini').code, 'unsafe_base_url')
    assert.deepEqual(calls, [], 'the name was never fetched')
    // With the flag, createProviderClient installs no guard (a private deployment's own names).
    const own: ResolvedProvider = { source: 'own', providerId: crypto.randomUUID(), baseURL, apiKey: DEFAULT_API_KEY, model: 'gpt-4o-mini' }
    const allowed = await createProviderClient(own, { allowPrivateBaseUrls: true, resolveHost: nothing }).models.list()
    assert.ok(allowed.data.length > 0)
    assert.equal(fake.calls.length, 1)
  } finally {
    await close()
  }
})

Deno.test('a workspace\'s own provider on a loopback address is refused as unsafe_base_url, and never called', async () => {
  const { fake, baseURL, close } = serveFakeOpenAI()
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
  const { fake, baseURL, close } = serveFakeOpenAI()
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

Deno.test('a public provider that redirects to a private address does not get the function to follow it there', async () => {
  // The "internal service" the attacker wants reached: it must never see a request.
  const internal = serveFakeOpenAI()
  // The workspace's provider: a public name (resolved by the stub below) whose server answers
  // every request with a redirect to the internal service.
  const redirector = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname.replace(/^\/v1/, '')
    return new Response(null, { status: 307, headers: { location: `${internal.baseURL}${path}` } })
  })
  const resolve: ResolveHost = (host) => Promise.resolve(host === 'llm.example' ? ['93.184.216.34'] : [])
  // The network as the function sees it: llm.example is that public server.
  const network: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    if (url.hostname === 'llm.example') {
      url.hostname = '127.0.0.1'
      url.port = String(redirector.addr.port)
      url.protocol = 'http:'
    }
    return fetch(url, init)
  }
  try {
    const client = new OpenAI({ baseURL: 'https://llm.example/v1', apiKey: DEFAULT_API_KEY, maxRetries: 0, fetch: guardedFetch(resolve, network) })
    const error = await client.models.list().then(() => null, (caught: unknown) => caught)
    assert.ok(error, 'the redirect must not produce a model list')
    assert.equal(internal.fake.calls.length, 0, 'the private address was called through the redirect')
    assert.equal(toProviderError(error, 'gpt-4o-mini').code, 'unsafe_base_url')
  } finally {
    await redirector.shutdown()
    await internal.close()
  }
})

Deno.test('a public provider is still called through the guard, and a redirect within it is followed', async () => {
  const provider = serveFakeOpenAI()
  const port = new URL(provider.baseURL).port
  const resolve: ResolveHost = (host) => Promise.resolve(host === 'llm.example' ? ['93.184.216.34'] : [])
  const network: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    if (url.hostname !== 'llm.example') return fetch(url, init)
    url.hostname = '127.0.0.1'
    url.port = port
    url.protocol = 'http:'
    // The provider moved its API from /old to /v1, with a permanent same-origin redirect.
    if (url.pathname.startsWith('/old/')) return Promise.resolve(new Response(null, { status: 308, headers: { location: `https://llm.example/v1/${url.pathname.slice(5)}` } }))
    return fetch(url, init)
  }
  try {
    const client = new OpenAI({ baseURL: 'https://llm.example/old', apiKey: DEFAULT_API_KEY, maxRetries: 0, fetch: guardedFetch(resolve, network) })
    assert.ok((await client.models.list()).data.length > 0)
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    assert.ok(answer.choices[0].message.content)
  } finally {
    await provider.close()
  }
})
