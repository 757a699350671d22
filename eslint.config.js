import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueI18n from '@intlify/eslint-plugin-vue-i18n'

export default tseslint.config(
  { ignores: ['**/dist/**', 'apps/api/dist-*/**', '**/node_modules/**', '**/coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // Every word the web app shows comes from its messages (apps/web/src/i18n): no raw text
    // in a template or a user-facing attribute. Symbols, numbers and the product name pass.
    files: ['apps/web/src/**/*.vue'],
    plugins: { '@intlify/vue-i18n': vueI18n },
    settings: { 'vue-i18n': { messageSyntaxVersion: '^11.0.0' } },
    rules: {
      '@intlify/vue-i18n/no-raw-text': [
        'error',
        {
          attributes: { '/.+/': ['title', 'aria-label', 'placeholder', 'alt', 'label', 'pending-label', 'confirm-label'] },
          ignorePattern: '^[-#:()&×·—=/,.;!?0-9\\s]*$',
        },
      ],
      '@intlify/vue-i18n/no-deprecated-tc': 'error',
      '@intlify/vue-i18n/no-v-html': 'error',
    },
  },
  {
    // Every Vuex dispatch and commit goes through the typed helpers, whose names and
    // payloads come from the modules' definitions: only their file calls Vuex's own.
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.vue'],
    ignores: ['apps/web/src/store/typed-store.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['callee.property.name', 'callee.property.value', 'callee.name'].map((callee) => ({
          selector: `CallExpression[${callee}=/^(dispatch|commit)$/]`,
          message: 'Dispatch and commit through the typed helpers (apps/web/src/store/typed-store.ts, or the auth facade authOf).',
        })),
      ],
    },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
)
