// The provider form as a person fills it in: friendly defaults, and a message about the
// field that is wrong (never one that repeats the key).
import { ProviderFormSchema } from './schema.ts'

const base = { kind: 'openai_compatible', baseUrl: 'https://llm.example.com/v1/', chatModel: ' chat-large ', embedModel: 'embed-small', apiKey: '' }

function errorOf(input: Record<string, string>): { path: string; message: string } {
  const parsed = ProviderFormSchema.safeParse(input)
  if (parsed.success) throw new Error('expected the form to be refused')
  return { path: String(parsed.error.issues[0].path[0]), message: parsed.error.issues[0].message }
}

describe('ProviderFormSchema', () => {
  it('trims models and the trailing slash, and keeps the current key when none is typed', () => {
    expect(ProviderFormSchema.parse(base)).toEqual({
      kind: 'openai_compatible', baseUrl: 'https://llm.example.com/v1', chatModel: 'chat-large', embedModel: 'embed-small', apiKey: null,
    })
  })

  it("fills in OpenAI's address when the kind is OpenAI and none is typed", () => {
    expect(ProviderFormSchema.parse({ ...base, kind: 'openai', baseUrl: '' }).baseUrl).toBe('https://api.openai.com/v1')
    expect(errorOf({ ...base, baseUrl: '' })).toEqual({ path: 'baseUrl', message: 'ai.providers.error.baseUrlRequired' })
  })

  it('accepts https anywhere and http only to this machine', () => {
    expect(ProviderFormSchema.parse({ ...base, baseUrl: 'http://localhost:11434/v1' }).baseUrl).toBe('http://localhost:11434/v1')
    expect(ProviderFormSchema.parse({ ...base, baseUrl: 'http://127.0.0.1:8000/v1' }).baseUrl).toBe('http://127.0.0.1:8000/v1')
    expect(errorOf({ ...base, baseUrl: 'http://llm.example.com/v1' })).toEqual({ path: 'baseUrl', message: 'ai.providers.error.baseUrlHttp' })
    expect(errorOf({ ...base, baseUrl: 'ftp://llm.example.com' })).toEqual({ path: 'baseUrl', message: 'ai.providers.error.baseUrl' })
    expect(errorOf({ ...base, baseUrl: 'not a url' })).toEqual({ path: 'baseUrl', message: 'ai.providers.error.baseUrl' })
  })

  it('refuses credentials, a query or a fragment in the address', () => {
    for (const baseUrl of ['https://me:sk-secret@llm.example.com/v1', 'https://llm.example.com/v1?key=sk-secret', 'https://llm.example.com/v1#x']) {
      expect(errorOf({ ...base, baseUrl })).toEqual({ path: 'baseUrl', message: 'ai.providers.error.baseUrlParts' })
    }
  })

  it('asks for model names of one line, at most 200 characters', () => {
    expect(errorOf({ ...base, chatModel: '  ' })).toEqual({ path: 'chatModel', message: 'ai.providers.error.modelRequired' })
    expect(errorOf({ ...base, embedModel: 'm'.repeat(201) })).toEqual({ path: 'embedModel', message: 'ai.providers.error.modelMax' })
    expect(errorOf({ ...base, chatModel: 'two words' })).toEqual({ path: 'chatModel', message: 'ai.providers.error.modelChars' })
  })

  it('takes a pasted key without its surrounding line break, and refuses a broken one', () => {
    expect(ProviderFormSchema.parse({ ...base, apiKey: '  sk-test-12345678\n' }).apiKey).toBe('sk-test-12345678')
    expect(errorOf({ ...base, apiKey: 'sk-with space-123' })).toEqual({ path: 'apiKey', message: 'ai.providers.error.keyChars' })
    expect(errorOf({ ...base, apiKey: 'k'.repeat(501) })).toEqual({ path: 'apiKey', message: 'ai.providers.error.keyMax' })
    expect(errorOf({ ...base, apiKey: 'sk-1234' })).toEqual({ path: 'apiKey', message: 'ai.providers.error.keyMin' })
  })

  it('refuses an unknown kind', () => {
    expect(errorOf({ ...base, kind: 'anthropic' })).toEqual({ path: 'kind', message: 'ai.providers.error.kind' })
  })
})
