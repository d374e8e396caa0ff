// Auth's emails (magic link, password reset, email change) are rendered from the user's
// Auth metadata, not from our profiles table: keep the name and language there in step.
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Locale } from '~/utils/i18n.ts'

export async function syncEmailPreferences(supabase: SupabaseClient, data: { display_name?: string; locale?: Locale }) {
  const { error } = await supabase.auth.updateUser({ data })
  // The profile is already saved; a failure here only delays the emails' language.
  if (error) console.error('could not update the Auth metadata used by emails:', error.code ?? error.name, error.message)
}
