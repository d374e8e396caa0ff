// The provider form's connection pieces — kind, base URL and the write-only key — shared by
// Settings → AI provider and the onboarding wizard, so both ask the same way and send the
// same field names to the same parser (ProviderFormSchema).
import { Field } from '~/components/ui/field.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { BASE_URL_MAX, KEY_MAX, OPENAI_BASE_URL, PROVIDER_KINDS, type ProviderKind } from '~/modules/ai/schema.ts'
import { useT } from '~/utils/i18n.ts'

export function ProviderKindField({ kind, onChange, className }: { kind: ProviderKind; onChange: (kind: ProviderKind) => void; className?: string }) {
  const t = useT()
  return (
    <SelectField
      label={t('ai.providers.kind')}
      name="kind"
      value={kind}
      onChange={(event) => onChange(event.target.value as ProviderKind)}
      options={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`ai.providers.kind.${k}`) }))}
      className={className}
    />
  )
}

export function BaseUrlField({ kind, defaultValue, error, className }: { kind: ProviderKind; defaultValue: string; error?: string; className?: string }) {
  const t = useT()
  return (
    <Field
      label={t('ai.providers.baseUrl')}
      name="baseUrl"
      type="url"
      inputMode="url"
      defaultValue={defaultValue}
      placeholder={kind === 'openai' ? OPENAI_BASE_URL : 'https://…/v1'}
      maxLength={BASE_URL_MAX}
      hint={t('ai.providers.baseUrl.hint')}
      error={error}
      className={className}
    />
  )
}

/** Write-only: always empty, never filled back, never the browser's saved password. */
export function ApiKeyField({ keyLast4, error, className }: { keyLast4: string | null | undefined; error?: string; className?: string }) {
  const t = useT()
  return (
    <Field
      label={keyLast4 ? t('ai.providers.key.rotate') : t('ai.providers.apiKey')}
      name="apiKey"
      type="password"
      autoComplete="new-password"
      spellCheck={false}
      defaultValue=""
      maxLength={KEY_MAX + 2}
      hint={keyLast4 ? t('ai.providers.apiKey.rotateHint') : t('ai.providers.apiKey.hint')}
      error={error}
      className={className}
    />
  )
}
