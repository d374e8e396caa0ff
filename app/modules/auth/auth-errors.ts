// GoTrue error codes → what we tell the writer, and with which HTTP status.
import type { AuthError } from '@supabase/supabase-js'
import type { MessageKey } from '~/utils/i18n.ts'

export function describeAuthError(error: AuthError): { message: MessageKey; status: number } {
  switch (error.code) {
    case 'invalid_credentials':
      return { message: 'auth.error.invalidCredentials', status: 400 }
    case 'email_not_confirmed':
      return { message: 'auth.error.emailNotConfirmed', status: 400 }
    case 'weak_password':
      return { message: 'auth.error.weakPassword', status: 400 }
    case 'otp_expired':
    case 'flow_state_expired':
    case 'flow_state_not_found':
      return { message: 'auth.error.linkExpired', status: 400 }
    case 'over_email_send_rate_limit':
    case 'over_request_rate_limit':
      return { message: 'auth.error.rateLimited', status: 429 }
    case 'same_password':
      return { message: 'auth.error.samePassword', status: 400 }
    case 'session_not_found':
    case 'session_expired':
    case 'refresh_token_not_found':
    case 'refresh_token_already_used':
      return { message: 'auth.error.sessionMissing', status: 401 }
    case 'validation_failed':
    case 'email_address_invalid':
      return { message: 'validation.email', status: 400 }
    default:
      console.error('unexpected auth error:', error.code ?? error.name, error.status, error.message)
      return { message: 'auth.error.unexpected', status: error.status && error.status >= 400 && error.status < 500 ? 400 : 503 }
  }
}
