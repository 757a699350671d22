import { t } from '../i18n'

/** A role in words: `admin` is the app's own and is translated; other roles are data and shown as named. */
export function roleWords(role: string): string {
  return role === 'admin' ? t('roles.admin') : role
}
