// GoTrue's input rules for emails and passwords, with its exact messages.
import { AuthApiError, validationFailed } from './errors.ts'
import type { AuthSettings } from './settings.ts'

// badoux/checkmail's ValidateFormat, which GoTrue uses.
const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** Returns the lower-cased address, or throws GoTrue's 400 validation_failed. */
export function validateEmail(email: string): string {
  if (email === '') throw validationFailed('An email address is required')
  if (email.length > 255) throw validationFailed('An email address is too long')
  if (!EMAIL_PATTERN.test(email)) throw validationFailed('Unable to validate email address: invalid format')
  return email.toLowerCase()
}

// bcrypt only looks at 72 bytes, so GoTrue refuses longer passwords outright.
const MAX_PASSWORD_LENGTH = 72

/** GoTrue's checkPasswordStrength: 400 when too long, 422 weak_password with reasons when too weak. */
export function checkPasswordStrength(settings: AuthSettings, password: string): void {
  if (Buffer.byteLength(password) > MAX_PASSWORD_LENGTH) {
    throw validationFailed(`Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`)
  }
  const reasons: string[] = []
  const messages: string[] = []
  // Go's len() counts bytes, so GoTrue measures passwords in UTF-8 bytes.
  if (Buffer.byteLength(password) < settings.minimumPasswordLength) {
    reasons.push('length')
    messages.push(`Password should be at least ${settings.minimumPasswordLength} characters.`)
  }
  if (settings.requiredCharacterSets.some((set) => set !== '' && ![...password].some((ch) => set.includes(ch)))) {
    reasons.push('characters')
    messages.push(`Password should contain at least one character of each: ${settings.requiredCharacterSets.join(', ')}.`)
  }
  if (reasons.length) {
    throw new AuthApiError(422, 'weak_password', messages.join(' '), { weakPasswordReasons: reasons })
  }
}
